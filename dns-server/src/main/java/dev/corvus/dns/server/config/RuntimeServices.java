package dev.corvus.dns.server.config;

import dev.corvus.dns.api.Ticker;
import dev.corvus.dns.api.capability.ServerControl;
import dev.corvus.dns.api.io.IoLoops;
import dev.corvus.dns.api.metrics.Metrics;
import dev.corvus.dns.api.plugin.HttpEndpoints;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;

/**
 * The server-wide services every configuration's plugins share; they outlive reloads.
 *
 * @param metrics the metric registry
 * @param http the HTTP endpoints
 * @param control the server's control surface (its {@code configSource} is that of the current
 *     configuration), granted to plugins that declare the capability
 * @param scheduler timers and background work; plugins receive an unclosable view of it
 * @param clock the wall clock
 * @param ticker the monotonic clock
 * @param ioLoops the I/O loops
 * @param shuttingDown whether a shutdown was requested (readiness turns false)
 */
public record RuntimeServices(Metrics metrics, HttpEndpoints http, ServerControl control,
    ScheduledExecutorService scheduler, Clock clock, Ticker ticker, IoLoops ioLoops,
    BooleanSupplier shuttingDown) {}
