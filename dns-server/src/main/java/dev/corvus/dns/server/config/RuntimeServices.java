package dev.corvus.dns.server.config;

import dev.corvus.dns.api.metrics.Metrics;
import dev.corvus.dns.api.plugin.HttpEndpoints;
import dev.corvus.dns.api.plugin.ServerControl;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;

/**
 * The server-wide services every configuration's plugins share; they outlive reloads.
 *
 * @param metrics the metric registry
 * @param http the HTTP endpoints
 * @param control the reload entry point (its {@code configSource} is that of the current configuration)
 * @param scheduler timers and background work
 * @param clock the clock
 * @param shuttingDown whether a shutdown was requested (readiness turns false)
 */
public record RuntimeServices(Metrics metrics, HttpEndpoints http, ServerControl control,
    ScheduledExecutorService scheduler, Clock clock, BooleanSupplier shuttingDown) {}
