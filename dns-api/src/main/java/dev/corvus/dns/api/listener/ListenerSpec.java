package dev.corvus.dns.api.listener;

import dev.corvus.dns.api.config.TlsFiles;
import dev.corvus.dns.api.io.IoLoops;
import dev.corvus.dns.api.metrics.Metrics;
import dev.corvus.dns.api.plugin.Plugin;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link ListenerFactory} binds.
 *
 * @param address the address and port to bind (every address when the Corefile names none)
 * @param serverLabel the key as CoreDNS labels metrics with it, e.g. {@code https://:443}
 * @param tls the server block's {@code tls} files (certificate and key present), if it has them
 * @param loops the server's I/O loops, to run the listener on
 * @param plugins the plugins of the server blocks served on this address, in block order: a
 *     listener finds its own directive's settings among them (CoreDNS's {@code https}, {@code
 *     quic}, {@code grpc_server} blocks) by the type its factory's jar gave them; read them in
 *     {@link ListenerFactory#bind}, a reload that keeps the address keeps the listener
 * @param metrics where the listener counts what it answers and rejects (CoreDNS's {@code
 *     coredns_dns_https_responses_total}, ...); the same registry for every listener of the server
 */
public record ListenerSpec(InetSocketAddress address, String serverLabel, Optional<TlsFiles> tls, IoLoops loops,
    List<Plugin> plugins, Optional<Metrics> metrics) {

  /** Checks that nothing is missing. */
  public ListenerSpec {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(serverLabel, "serverLabel");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(loops, "loops");
    plugins = List.copyOf(plugins);
    Objects.requireNonNull(metrics, "metrics");
  }

  /**
   * A spec without plugins or metrics.
   *
   * @param address the address and port to bind
   * @param serverLabel the key as CoreDNS labels metrics with it
   * @param tls the server block's {@code tls} files, if it has them
   * @param loops the server's I/O loops
   */
  public ListenerSpec(InetSocketAddress address, String serverLabel, Optional<TlsFiles> tls, IoLoops loops) {
    this(address, serverLabel, tls, loops, List.of(), Optional.empty());
  }

  /**
   * The first of {@link #plugins} that is a {@code type}: the settings of the listener's own
   * directive, when the server block has it.
   *
   * @param <T> the settings type
   * @param type the class the listener's directive creates its plugin as
   * @return the plugin, or empty when no block served here has the directive
   */
  public <T> Optional<T> plugin(Class<T> type) {
    for (Plugin plugin : plugins) {
      if (type.isInstance(plugin)) {
        return Optional.of(type.cast(plugin));
      }
    }
    return Optional.empty();
  }

  /**
   * The connection timeouts of the server blocks served on this address (their {@code timeouts}
   * directives, combined in block order by {@link ListenerTimeouts#overriddenBy}); {@link
   * ListenerTimeouts#DEFAULTS} when none sets them.
   *
   * @return the timeouts to apply
   */
  public ListenerTimeouts timeouts() {
    ListenerTimeouts timeouts = ListenerTimeouts.DEFAULTS;
    for (Plugin plugin : plugins) {
      Optional<ListenerTimeouts> given = plugin.listenerTimeouts();
      if (given.isPresent()) {
        timeouts = timeouts.overriddenBy(given.get());
      }
    }
    return timeouts;
  }
}
