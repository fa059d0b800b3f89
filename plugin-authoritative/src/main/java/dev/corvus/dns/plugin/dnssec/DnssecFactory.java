package dev.corvus.dns.plugin.dnssec;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * {@code dnssec [ZONES...] { key file KEY...; cache_capacity CAPACITY }}: signs answers for its
 * zones on the fly, with NSEC black lies for denial of existence (CoreDNS's <i>dnssec</i>). The
 * key files are read while the Corefile is, so a broken one fails {@code corvus check}.
 */
@AutoService(PluginFactory.class)
public final class DnssecFactory implements PluginFactory {

  private static final List<String> KNOWN_OPTIONS = List.of("key", "cache_capacity");

  @Override
  public String directive() {
    return "dnssec";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    DnssecConfig parsed = parse(config);
    return Plugin.of(new DnssecHandler(parsed, context));
  }

  static DnssecConfig parse(ConfigReader config) throws ConfigException {
    List<Name> zones = config.remainingZonesOrServerZones();
    List<KeyPair> keys = new ArrayList<>();
    int capacity = DnssecConfig.DEFAULT_CACHE_CAPACITY;
    while (config.nextOption()) {
      switch (config.option()) {
        case "key" -> {
          String kind = config.nextArg("file or aws_secretsmanager");
          switch (kind) {
            case "file" -> {
              if (!config.hasNextArg()) {
                throw config.error("key file: expected at least one KEY");
              }
              while (config.hasNextArg()) {
                try {
                  keys.add(KeyPair.read(config.nextPath("KEY")));
                } catch (KeyPair.KeyFileException e) {
                  throw config.error(e.getMessage());
                }
              }
            }
            case "aws_secretsmanager" -> throw config.error(
                "key aws_secretsmanager is not supported: keep the keys in files and use 'key file'");
            default -> throw config.error("key: expected 'file' or 'aws_secretsmanager', got \"" + kind + "\"");
          }
        }
        case "cache_capacity" -> {
          capacity = config.nextInt("CAPACITY", 0, Integer.MAX_VALUE);
          config.expectNoMoreArgs();
        }
        default -> throw config.unknownOption(KNOWN_OPTIONS);
      }
    }
    if (keys.isEmpty()) {
      throw config.error("at least one 'key file KEY' is needed");
    }
    return new DnssecConfig(zones, keys, capacity);
  }
}
