package dev.corvus.dns.api.plugin;

import dev.corvus.dns.api.Request;

/**
 * Decides whether a server block serves a query, as CoreDNS's {@code view} plugin does (its
 * {@code dnsserver.Viewer}). Server blocks with a filter may share a zone and port with other
 * blocks; for each query the server tries the blocks of the longest matching zone in Corefile
 * order and the first whose filters all accept the query (or that has none) serves it. When no
 * block of that zone accepts, shorter zones are tried the same way, and REFUSED follows when none
 * is left.
 *
 * <p>Whether blocks may share a zone and port is decided while the Corefile is parsed, before
 * any plugin exists: a block may share them when it has a {@code view} directive (as CoreDNS
 * registers only blocks without a view). A filter of another plugin applies in any block — with
 * the {@code view} directive's, all must accept — and a query its block does not accept goes to
 * the next block as above.
 *
 * <p>A plugin offers one through {@link Plugin#view()}. The server calls {@link #accepts} on the
 * query's I/O thread before the block's chain runs, after the block's {@code metadata} directive
 * (if any) collected its labels, so a filter may read {@link
 * dev.corvus.dns.api.QueryContext#metadata(String)}. It must be cheap and must not block; a
 * filter that fails with an exception counts as not accepting (CoreDNS: an expression that
 * fails to evaluate is false).
 */
public interface ViewFilter {

  /** The view's name, as CoreDNS names it in metrics and publishes it as {@code view/name}. */
  String viewName();

  /**
   * Whether the block serves {@code request}.
   *
   * @param request the query as the block would see it: its zone and server are the block's
   */
  boolean accepts(Request request);
}
