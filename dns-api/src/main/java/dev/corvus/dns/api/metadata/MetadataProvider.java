package dev.corvus.dns.api.metadata;

import dev.corvus.dns.api.Request;

/**
 * Publishes labels about a query for other plugins to read, as CoreDNS's metadata mechanism
 * does: the kubernetes plugin publishes {@code kubernetes/client-namespace}, geoip the client's
 * city. A plugin offers one through {@link dev.corvus.dns.api.plugin.Plugin#metadata()}; when its
 * server block has a {@code metadata} directive, the server asks every provider of the block
 * before the chain runs, and handlers read the values with {@link
 * dev.corvus.dns.api.QueryContext#metadata(String)} ({@code {/kubernetes/client-namespace}} in
 * {@code log} formats).
 */
@FunctionalInterface
public interface MetadataProvider {

  /**
   * Publishes this plugin's labels for {@code request}; runs on the I/O thread for every query
   * of the block, so it must be cheap: publish values that cost something as suppliers, which
   * are evaluated only when a handler reads the label.
   */
  void publish(Request request, MetadataSink sink);
}
