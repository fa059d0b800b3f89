package dev.corvus.dns.plugin.geoip;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.metadata.MetadataProvider;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code geoip DBFILE [{ edns-subnet }]}: looks up the client's address (or the EDNS0 client
 * subnet's) in a MaxMind DB file and publishes CoreDNS's {@code geoip/*} metadata labels. The
 * database is opened and its type checked when the Corefile is read.
 */
@AutoService(PluginFactory.class)
public final class GeoipFactory implements PluginFactory {

  @Override
  public String directive() {
    return "geoip";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    Path file = config.nextPath("DBFILE");
    config.expectNoMoreArgs();
    boolean ednsSubnet = false;
    while (config.nextOption()) {
      if (!config.option().equals("edns-subnet")) {
        throw config.unknownOption(List.of("edns-subnet"));
      }
      config.expectNoMoreArgs();
      ednsSubnet = true;
    }
    GeoipDatabase database;
    try {
      database = GeoipDatabase.open(file);
    } catch (IOException e) {
      throw config.error(e.getMessage());
    }
    GeoipMetadata metadata = new GeoipMetadata(database, ednsSubnet);
    return new Plugin() {
      @Override
      public Optional<MetadataProvider> metadata() {
        return Optional.of(metadata);
      }

      @Override
      public void stop() {
        database.close();
      }
    };
  }
}
