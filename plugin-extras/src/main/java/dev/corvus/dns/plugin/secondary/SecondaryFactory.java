package dev.corvus.dns.plugin.secondary;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.Fallthrough;
import dev.corvus.dns.api.capability.ZoneSource;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.net.HostPort;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import dev.corvus.dns.plugin.file.FileZones;
import dev.corvus.dns.plugin.file.ZoneTable;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;

/**
 * {@code secondary [ZONES...] { transfer from ADDRESS...; tsig NAME SECRET [ALGORITHM];
 * fallthrough [ZONES...] }}: zones copied from a primary by AXFR and served (CoreDNS's
 * <i>secondary</i>).
 */
@AutoService(PluginFactory.class)
public final class SecondaryFactory implements PluginFactory {

  private static final List<String> KNOWN_OPTIONS = List.of("transfer", "tsig", "fallthrough");

  @Override
  public String directive() {
    return "secondary";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    SecondaryConfig parsed = parse(config);
    ZoneTable table = new ZoneTable();
    FileZones source = new FileZones(table);
    context.services().export(ZoneSource.class, source);
    return new SecondaryPlugin(parsed, table, source, context);
  }

  static SecondaryConfig parse(ConfigReader config) throws ConfigException {
    List<Name> zones = config.remainingZonesOrServerZones();
    List<InetSocketAddress> primaries = new ArrayList<>();
    TSIG tsig = null;
    Fallthrough fallthrough = Fallthrough.NONE;
    while (config.nextOption()) {
      switch (config.option()) {
        case "transfer" -> {
          String from = config.nextArg("from");
          if (!from.equals("from")) {
            throw config.error("expected 'transfer from ADDRESS...', got \"transfer " + from + "\"");
          }
          if (!config.hasNextArg()) {
            throw config.error("expected at least one ADDRESS after 'transfer from'");
          }
          while (config.hasNextArg()) {
            String arg = config.nextArg("ADDRESS");
            try {
              primaries.add(HostPort.parse(arg, 53).literalAddress());
            } catch (IllegalArgumentException e) {
              throw config.error("transfer from: expected an IP address or IP:port, got \"" + arg + "\": " + e.getMessage());
            }
          }
        }
        case "tsig" -> {
          String name = config.nextArg("NAME");
          String secret = config.nextArg("SECRET");
          String algorithm = config.hasNextArg() ? config.nextArg("ALGORITHM") : "hmac-sha256";
          config.expectNoMoreArgs();
          try {
            Base64.getDecoder().decode(secret);
            tsig = new TSIG(TSIG.algorithmToName(algorithm), Name.fromString(name, Name.root), secret);
          } catch (TextParseException e) {
            throw config.error("tsig: invalid key name \"" + name + "\": " + e.getMessage());
          } catch (IllegalArgumentException e) {
            throw config.error("tsig: " + e.getMessage() + " (expected NAME, a base64 SECRET and an algorithm such as hmac-sha256)");
          }
        }
        case "fallthrough" -> {
          List<Name> through = new ArrayList<>();
          while (config.hasNextArg()) {
            through.add(config.nextZone("fallthrough zone"));
          }
          fallthrough = new Fallthrough(true, through);
        }
        case "catalog" -> throw config.error("catalog zones (RFC 9432) are not supported");
        default -> throw config.unknownOption(KNOWN_OPTIONS);
      }
    }
    if (primaries.isEmpty()) {
      throw config.error("'transfer from ADDRESS...' is required");
    }
    return new SecondaryConfig(zones, primaries, tsig, fallthrough);
  }
}
