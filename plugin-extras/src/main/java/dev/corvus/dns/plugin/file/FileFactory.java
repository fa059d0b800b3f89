package dev.corvus.dns.plugin.file;

import dev.corvus.dns.api.Fallthrough;
import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * {@code file DBFILE [ZONES...] { reload DURATION; fallthrough [ZONES...] }}: authoritative
 * answers from an RFC 1035 master file. The file is parsed here so that a syntax error fails the
 * configuration (and {@code corvus check}) with its {@code file:line}, as CoreDNS's setup does.
 */
@AutoService(PluginFactory.class)
public final class FileFactory implements PluginFactory {

  private static final List<String> KNOWN_OPTIONS = List.of("reload", "fallthrough");

  @Override
  public String directive() {
    return "file";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    Path file = config.nextPath("zone file");
    List<Name> zones = config.remainingZonesOrServerZones();
    Duration reload = FileConfig.DEFAULT_RELOAD;
    Fallthrough fallthrough = Fallthrough.NONE;
    while (config.nextOption()) {
      switch (config.option()) {
        case "reload" -> {
          reload = config.nextDuration("reload");
          if (reload.isNegative()) {
            throw config.error("reload must not be negative, got " + reload);
          }
        }
        case "fallthrough" -> {
          List<Name> through = new ArrayList<>();
          while (config.hasNextArg()) {
            through.add(config.nextZone("fallthrough zone"));
          }
          fallthrough = new Fallthrough(true, through);
        }
        case "reload_by_mtime" -> throw config.error("reload_by_mtime is not supported; reload follows the SOA serial");
        default -> throw config.unknownOption(KNOWN_OPTIONS);
      }
    }
    FileConfig fileConfig = new FileConfig(file, zones, reload, fallthrough);
    ZoneTable table = new ZoneTable();
    if (!java.nio.file.Files.exists(file) && reload.toMillis() > 0) {
      // CoreDNS: a missing file is tried again on every reload (sign may be about to write it)
      config.warn("zone file " + file + " does not exist yet; trying again every " + reload.toSeconds() + "s");
      zones = List.of();
    }
    for (Name origin : zones) {
      try {
        table.put(ZoneData.load(file, origin));
      } catch (ZoneData.ZoneFileException e) {
        throw config.error(e.getMessage());
      }
    }
    FileZones source = new FileZones(table);
    context.services().export(dev.corvus.dns.api.capability.ZoneSource.class, source);
    return new FilePlugin(fileConfig, table, source, context);
  }
}
