package dev.corvus.dns.plugin.forward;

/**
 * What exists only between {@link ForwardPlugin#start} and {@link ForwardPlugin#stop}: the handler
 * is created with the plugin, before the network side exists.
 */
final class ForwardRuntime {

  /**
   * The running parts.
   *
   * @param upstreams the current upstreams
   * @param metrics the metric handles
   * @param hosts the lookups of host-name destinations
   */
  record Started(UpstreamSet upstreams, ForwardMetrics metrics, HostResolution hosts) {}

  private volatile Started started;

  /** The running parts, or {@code null} before start and after stop. */
  Started started() {
    return started;
  }

  void started(Started value) {
    this.started = value;
  }
}
