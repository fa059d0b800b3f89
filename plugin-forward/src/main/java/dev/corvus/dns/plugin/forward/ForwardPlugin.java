package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.SelfCheck;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One configured {@code forward}: its handler, and the upstreams, health checks, resolv.conf
 * watch and host-name lookups it starts and stops. Its sockets live on the server's I/O loops ({@link
 * PluginContext#ioLoops()}); it has no threads of its own. {@code corvus doctor} runs its {@link
 * SelfCheck} without starting it.
 */
final class ForwardPlugin implements Plugin, SelfCheck {

  /** How often resolv.conf destinations are re-read. */
  static final Duration RESOLV_CONF_POLL = Duration.ofSeconds(1);

  private final ForwardConfig config;
  private final PluginContext context;
  private final ForwardRuntime runtime = new ForwardRuntime();
  private final ForwardHandler handler;
  private UpstreamSet upstreams;
  private HostResolution hosts;
  private ScheduledFuture<?> watch;

  ForwardPlugin(ForwardConfig config, PluginContext context) {
    this.config = config;
    this.context = context;
    this.handler = new ForwardHandler(config, runtime, context.ioLoops(), context.ticker());
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
    return new ForwardSelfCheck(config, context.ticker()).check(timeout);
  }

  @Override
  public Optional<Handler> handler() {
    return Optional.of(handler);
  }

  @Override
  public synchronized CompletionStage<Void> start() {
    ForwardMetrics metrics = new ForwardMetrics(context.metrics());
    SecureRandom random = new SecureRandom();
    UpstreamProtocol probeProtocol = config.forceTcp() ? UpstreamProtocol.TCP : UpstreamProtocol.UDP;
    upstreams =
        new UpstreamSet(
            config.destinations(),
            address -> {
              Upstream upstream = new Upstream(address, config, metrics, context.ticker(), random);
              if (config.maxFails() != 0) {
                upstream.healthChecker(
                    new HealthChecker(
                        upstream,
                        config.healthCheck(),
                        probeProtocol,
                        config.readTimeout(),
                        context.ioLoops(),
                        context.ticker()));
              }
              return upstream;
            });
    if (upstreams.watchesFiles()) {
      long period = RESOLV_CONF_POLL.toMillis();
      watch = context.scheduler().scheduleWithFixedDelay(upstreams::refresh, period, period, TimeUnit.MILLISECONDS);
    }
    hosts = new HostResolution(config.destinations(), HostLookup.of(config.resolvers()), upstreams,
        context.ioLoops(), context.ticker(), metrics);
    runtime.started(new ForwardRuntime.Started(upstreams, metrics, hosts));
    // Host names are looked up before the server serves, so that its first queries have
    // upstreams; a resolver that does not answer delays the start by the query budget at most.
    return hosts.start().completeOnTimeout(null, ForwardConfig.QUERY_BUDGET.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void stop() {
    runtime.started(null);
    if (watch != null) {
      watch.cancel(false);
    }
    if (hosts != null) {
      hosts.stop();
    }
    if (upstreams != null) {
      upstreams.close();
    }
  }
}
