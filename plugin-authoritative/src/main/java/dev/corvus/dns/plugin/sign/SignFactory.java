package dev.corvus.dns.plugin.sign;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import dev.corvus.dns.plugin.dnssec.KeyPair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * {@code sign DBFILE [ZONES...] { key file|directory KEY...|DIR...; directory DIR }}: signs zone
 * files with NSEC and writes {@code db.<zone>.signed} for {@code file} to serve, and signs them
 * again before the signatures expire (CoreDNS's <i>sign</i>). The zone file and the keys are read
 * while the Corefile is, so a broken one fails {@code corvus check} at its line.
 */
@AutoService(PluginFactory.class)
public final class SignFactory implements PluginFactory {

  private static final List<String> KNOWN_OPTIONS = List.of("key", "directory");

  @Override
  public String directive() {
    return "sign";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    return new SignPlugin(parse(config), context);
  }

  static SignConfig parse(ConfigReader config) throws ConfigException {
    Path file = config.nextPath("DBFILE");
    List<Name> zones = config.remainingZonesOrServerZones();
    List<KeyPair> keys = new ArrayList<>();
    Path directory = SignConfig.DEFAULT_DIRECTORY;
    while (config.nextOption()) {
      switch (config.option()) {
        case "key" -> {
          String kind = config.nextArg("file or directory");
          if (!config.hasNextArg()) {
            throw config.error("key " + kind + ": expected at least one " + (kind.equals("directory") ? "DIR" : "KEY"));
          }
          switch (kind) {
            case "file" -> {
              while (config.hasNextArg()) {
                keys.add(read(config, config.nextPath("KEY")));
              }
            }
            case "directory" -> {
              while (config.hasNextArg()) {
                Path dir = config.nextPath("DIR");
                keys.addAll(keysIn(config, dir, zones));
              }
            }
            default -> throw config.error("key: expected 'file' or 'directory', got \"" + kind + "\"");
          }
        }
        case "directory" -> {
          directory = config.nextPath("DIR");
          config.expectNoMoreArgs();
        }
        default -> throw config.unknownOption(KNOWN_OPTIONS);
      }
    }
    if (keys.isEmpty()) {
      throw config.error("at least one key is needed: 'key file KEY...' or 'key directory DIR...'");
    }
    Map<Name, List<KeyPair>> byZone = new LinkedHashMap<>();
    for (Name zone : zones) {
      List<KeyPair> own = keys.stream().filter(k -> k.zone().equals(zone)).toList();
      if (own.isEmpty()) {
        throw config.error("no key for zone " + zone + " (the keys are for "
            + keys.stream().map(k -> k.zone().toString()).distinct().toList() + ")");
      }
      byZone.put(zone, own);
    }
    for (KeyPair key : keys) {
      if (!byZone.containsKey(key.zone())) {
        throw config.error("key " + key.base() + " is for zone " + key.zone() + ", which is not signed here "
            + zones);
      }
      if (!key.isKeySigningKey()) {
        throw config.error("key " + key.base() + " is not a key signing key (flags " + key.dnskey().getFlags()
            + "; make it with dnssec-keygen -f KSK)");
      }
    }
    for (Name zone : zones) {
      try {
        records(file, zone);
      } catch (IOException e) {
        throw config.error(e.getMessage());
      }
    }
    return new SignConfig(file, byZone, directory);
  }

  private static KeyPair read(ConfigReader config, Path base) throws ConfigException {
    try {
      return KeyPair.read(base);
    } catch (KeyPair.KeyFileException e) {
      throw config.error(e.getMessage());
    }
  }

  /** The keys {@code K<zone>+<alg>+<id>} of the zones in {@code dir}. */
  private static List<KeyPair> keysIn(ConfigReader config, Path dir, List<Name> zones) throws ConfigException {
    List<KeyPair> keys = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        for (Name zone : zones) {
          if (name.startsWith("K" + zone + "+") && name.endsWith(".key")) {
            keys.add(read(config, file));
          }
        }
      }
    } catch (IOException e) {
      throw config.error("key directory " + dir + ": cannot read: " + e);
    }
    return keys;
  }

  /** The records of {@code file} in {@code zone}. */
  static List<Record> records(Path file, Name zone) throws IOException {
    List<Record> records = new ArrayList<>();
    try (Master master = new Master(file.toString(), zone)) {
      for (Record r = master.nextRecord(); r != null; r = master.nextRecord()) {
        if (r.getName().subdomain(zone)) {
          records.add(r);
        }
      }
    } catch (IOException | RuntimeException e) {
      String message = String.valueOf(e.getMessage());
      String bare = file.getFileName() + ":";
      throw new IOException(message.startsWith(bare) ? file + message.substring(bare.length() - 1)
          : file + ": " + message, e);
    }
    return records;
  }
}
