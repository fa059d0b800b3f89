package dev.corvus.dns.plugin.hosts;

import dev.corvus.dns.api.Fallthrough;
import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import dev.corvus.dns.plugin.hosts.HostsTable.SourceLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * {@code hosts [FILE [ZONES...]] { INLINE; ttl SECONDS; no_reverse; reload DURATION; fallthrough
 * [ZONES...]; fallthrough_unsupported }}. A block line that is not an option is an inline hosts
 * entry, as in CoreDNS.
 */
@AutoService(PluginFactory.class)
public final class HostsFactory implements PluginFactory {

  private static final List<String> KNOWN_OPTIONS =
      List.of("ttl", "no_reverse", "reload", "fallthrough", "fallthrough_unsupported");

  @Override
  public String directive() {
    return "hosts";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    Path file = config.hasNextArg() ? config.nextPath("hosts file") : HostsConfig.DEFAULT_FILE;
    List<Name> zones = config.remainingZonesOrServerZones();
    List<SourceLine> inline = new ArrayList<>();
    long ttl = HostsConfig.DEFAULT_TTL;
    boolean reverse = true;
    Duration reload = HostsConfig.DEFAULT_RELOAD;
    Fallthrough fallthrough = Fallthrough.NONE;
    boolean fallthroughUnsupported = false;
    while (config.nextOption()) {
      switch (config.option()) {
        case "ttl" -> {
          ttl = config.nextInt("ttl", 1, 65535);
          config.expectNoMoreArgs();
        }
        case "no_reverse" -> reverse = false;
        case "reload" -> {
          reload = config.nextDuration("reload");
          if (reload.isNegative()) {
            throw config.error("reload must not be negative, got " + reload);
          }
        }
        case "fallthrough" -> fallthrough = new Fallthrough(true, zonesOf(config));
        case "fallthrough_unsupported" -> fallthroughUnsupported = true;
        default -> {
          if (!looksLikeAddress(config.option())) {
            throw config.unknownOption(KNOWN_OPTIONS);
          }
          List<String> words = new ArrayList<>();
          words.add(config.option());
          words.addAll(config.remainingArgs());
          SourceLine line = new SourceLine(String.join(" ", words), config.location().toString());
          try {
            // Checked here, while the reader stands on the entry's own line.
            HostsTable.parse(List.of(line), zones, reverse, true);
          } catch (HostsTable.MalformedLineException e) {
            throw config.error(e.detail());
          }
          inline.add(line);
        }
      }
    }
    if (fallthroughUnsupported && !fallthrough.enabled()) {
      throw config.error("fallthrough_unsupported requires fallthrough");
    }
    HostsTable inlineTable;
    try {
      inlineTable = HostsTable.parse(inline, zones, reverse, true);
    } catch (HostsTable.MalformedLineException e) {
      throw config.error(e.getMessage());
    }
    HostsConfig hosts =
        new HostsConfig(file, zones, inlineTable, ttl, reverse, reload, fallthrough, fallthroughUnsupported);
    HostsFile hostsFile = new HostsFile(file, zones, reverse);
    readForValidation(config, hostsFile);
    return new HostsPlugin(hosts, hostsFile, context);
  }

  /**
   * Reads the file once so that a malformed line fails the configuration (and {@code corvus
   * check}) with its file and line; a missing file is only a warning, as in CoreDNS.
   */
  private static void readForValidation(ConfigReader config, HostsFile file) throws ConfigException {
    if (!Files.exists(file.path())) {
      config.warn("hosts file does not exist: " + file.path());
      return;
    }
    try {
      file.refresh();
    } catch (HostsTable.MalformedLineException e) {
      throw config.error(e.getMessage());
    } catch (IOException e) {
      throw config.error("unable to read hosts file " + file.path() + ": " + e.getMessage());
    }
  }

  private static List<Name> zonesOf(ConfigReader config) throws ConfigException {
    List<Name> zones = new ArrayList<>();
    while (config.hasNextArg()) {
      zones.add(config.nextZone("fallthrough zone"));
    }
    return zones;
  }

  /**
   * Whether an unknown block line is an inline entry rather than a misspelt option: entries start
   * with an address, so {@code tll 30} is reported as an unknown option.
   */
  private static boolean looksLikeAddress(String word) {
    return word.indexOf(':') >= 0 || (!word.isEmpty() && Character.isDigit(word.charAt(0)));
  }
}
