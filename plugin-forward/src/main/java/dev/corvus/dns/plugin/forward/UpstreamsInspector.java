package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.api.plugin.Inspector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code upstreams} topic of the admin endpoint for one {@code forward}: its zone, policy,
 * each upstream's health, consecutive failures and smoothed round-trip time, and what its host
 * names resolved to, read from memory only.
 */
final class UpstreamsInspector implements Inspector {

  static final String TOPIC = "upstreams";

  private final ForwardConfig config;
  private final ForwardRuntime runtime;
  private final String serverLabel;

  UpstreamsInspector(ForwardConfig config, ForwardRuntime runtime, String serverLabel) {
    this.config = config;
    this.runtime = runtime;
    this.serverLabel = serverLabel;
  }

  @Override
  public String topic() {
    return TOPIC;
  }

  @Override
  public Object inspect(Map<String, String> parameters) {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("plugin", "forward");
    state.put("server", serverLabel);
    state.put("from", config.from().toString());
    state.put("policy", config.policy().keyword());
    state.put("maxFails", config.maxFails());
    ForwardRuntime.Started started = runtime.started();
    state.put("running", started != null);
    List<Object> upstreams = new ArrayList<>();
    if (started != null) {
      for (Upstream upstream : started.upstreams().current()) {
        upstreams.add(describe(upstream, started.upstreams().sourceOf(upstream.address())));
      }
    }
    state.put("upstreams", upstreams);
    state.put("hosts", started == null ? List.of() : started.hosts().describe());
    return state;
  }

  private Map<String, Object> describe(Upstream upstream, Destination source) {
    Path resolvConf = source instanceof Destination.ResolvConfFile file ? file.file() : null;
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("address", upstream.label());
    entry.put("protocol", protocol(upstream));
    entry.put("tlsServerName", upstream.address().https()
        ? config.serverNameFor(upstream.address()).orElse(null)
        : upstream.tls().map(tls -> tls.serverName().isEmpty() ? null : tls.serverName()).orElse(null));
    entry.put("host", source instanceof Destination.HostName host ? host.label() : null);
    entry.put("healthy", !upstream.isDown());
    entry.put("consecutiveFails", upstream.consecutiveFails());
    entry.put("smoothedRttMs", millis(upstream.smoothedRttNanos()));
    entry.put("timeoutMs", millis(upstream.timeoutNanos()));
    entry.put("fromResolvConf", resolvConf != null);
    entry.put("resolvConf", resolvConf == null ? null : resolvConf.toString());
    return entry;
  }

  /** Milliseconds to the microsecond. */
  private static double millis(long nanos) {
    return Math.round(nanos / 1e3) / 1e3;
  }

  /**
   * How queries reach the upstream: {@code tls} for {@code tls://}, {@code https} for {@code
   * https://}, {@code tcp} with {@code force_tcp}, else {@code udp} (TCP clients and truncated
   * answers still use TCP).
   */
  private String protocol(Upstream upstream) {
    if (upstream.address().tls()) {
      return "tls";
    }
    if (upstream.address().https()) {
      return "https";
    }
    return config.forceTcp() ? "tcp" : "udp";
  }
}
