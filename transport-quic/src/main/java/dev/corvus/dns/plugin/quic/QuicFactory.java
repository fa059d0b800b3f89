package dev.corvus.dns.plugin.quic;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.util.List;

/**
 * {@code quic { max_streams N; worker_pool_size N }}: options of a server block's DNS-over-QUIC
 * listener, as CoreDNS's {@code quic} plugin (both positive). The {@code quic://} listener reads
 * them.
 */
@AutoService(PluginFactory.class)
public final class QuicFactory implements PluginFactory {

  private static final List<String> OPTIONS = List.of("max_streams", "worker_pool_size");

  @Override
  public String directive() {
    return "quic";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    config.expectNoMoreArgs();
    Integer maxStreams = null;
    Integer workers = null;
    while (config.nextOption()) {
      String option = config.option();
      if (!OPTIONS.contains(option)) {
        throw config.unknownOption(OPTIONS);
      }
      if (option.equals("max_streams") ? maxStreams != null : workers != null) {
        throw config.error(option + " already defined for this server block");
      }
      int value = config.nextInt(option, 1, Integer.MAX_VALUE);
      config.expectNoMoreArgs();
      if (option.equals("max_streams")) {
        maxStreams = value;
      } else {
        workers = value;
      }
    }
    return new QuicSettings(maxStreams == null ? QuicSettings.DEFAULTS.maxStreams() : maxStreams,
        workers == null ? QuicSettings.DEFAULTS.workerPoolSize() : workers);
  }
}
