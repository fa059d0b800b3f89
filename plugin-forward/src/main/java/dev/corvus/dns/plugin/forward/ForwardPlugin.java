package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.SelfCheck;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One configured {@code forward}: its handler, and the network client, upstreams, health checks
 * and resolv.conf watch it starts and stops. {@code corvus doctor} runs its {@link SelfCheck}
 * without starting it.
 */
final class ForwardPlugin implements Plugin, SelfCheck {

  /** How often resolv.conf destinations are re-read. */
  static final Duration RESOLV_CONF_POLL = Duration.ofSeconds(1);

  private static final int EVENT_LOOP_THREADS = Math.min(2, Runtime.getRuntime().availableProcessors());

  private final ForwardConfig config;
  private final SslContext sslContext;
  private final PluginContext context;
  private final ForwardRuntime runtime = new ForwardRuntime();
  private final ForwardHandler handler;
  private UpstreamClient client;
  private UpstreamSet upstreams;
  private ScheduledFuture<?> watch;

  ForwardPlugin(ForwardConfig config, SslContext sslContext, PluginContext context) {
    this.config = config;
    this.sslContext = sslContext;
    this.context = context;
    this.handler = new ForwardHandler(config, runtime);
  }

  ForwardHandler forwardHandler() {
    return handler;
  }

  /** What the admin endpoint shows under {@code /inspect/upstreams} for this forward. */
  UpstreamsInspector inspector() {
    return new UpstreamsInspector(config, runtime, context.serverLabel());
  }

  /** The current upstreams; empty before start. */
  List<Upstream> upstreams() {
    UpstreamSet set = upstreams;
    return set == null ? List.of() : set.current();
  }

  @Override
  public List<Finding> check(Duration timeout) {
    return new ForwardSelfCheck(config, sslContext).check(timeout);
  }

  @Override
  public Optional<Handler> handler() {
    return Optional.of(handler);
  }

  @Override
  public synchronized void start() {
    ForwardMetrics metrics = new ForwardMetrics(context.metrics());
    client = new UpstreamClient(EVENT_LOOP_THREADS);
    UpstreamProtocol probeProtocol = config.forceTcp() ? UpstreamProtocol.TCP : UpstreamProtocol.UDP;
    upstreams =
        new UpstreamSet(
            config.destinations(),
            address -> {
              Upstream upstream = new Upstream(address, client, sslContext, config, metrics);
              if (config.maxFails() != 0) {
                upstream.healthChecker(
                    new HealthChecker(
                        upstream, config.healthCheck(), probeProtocol, config.readTimeout(), context.scheduler()));
              }
              return upstream;
            });
    if (upstreams.watchesFiles()) {
      long period = RESOLV_CONF_POLL.toMillis();
      watch = context.scheduler().scheduleWithFixedDelay(upstreams::refresh, period, period, TimeUnit.MILLISECONDS);
    }
    runtime.started(new ForwardRuntime.Started(upstreams, metrics));
  }

  @Override
  public synchronized void stop() {
    runtime.started(null);
    if (watch != null) {
      watch.cancel(false);
    }
    if (upstreams != null) {
      upstreams.close();
    }
    if (client != null) {
      client.close();
    }
  }
}
