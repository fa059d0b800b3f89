package dev.corvus.dns.server.config;

import dev.corvus.dns.api.Ticker;
import dev.corvus.dns.api.plugin.HttpEndpoints;
import dev.corvus.dns.server.io.CheckOnlyIoLoops;
import dev.corvus.dns.server.metrics.PrometheusMetrics;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The services of a configuration that is built and never served ({@code corvus check}, {@code
 * corvus doctor}): creating plugins must not bind, reload or start anything; TLS settings are
 * still checked as when serving.
 */
public final class OfflineServices {

  private OfflineServices() {}

  /** Services whose scheduler is {@code idle} (the caller shuts it down). */
  public static RuntimeServices create(ScheduledExecutorService idle) {
    HttpEndpoints http = (address, path, route) -> {
      throw new IllegalStateException("a configuration being checked binds no port");
    };
    return new RuntimeServices(new PrometheusMetrics(), http, new InertServerControl(), idle, Clock.systemUTC(),
        Ticker.system(), new CheckOnlyIoLoops(), () -> false);
  }
}
