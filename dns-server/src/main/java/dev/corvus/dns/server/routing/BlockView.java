package dev.corvus.dns.server.routing;

import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.plugin.ViewFilter;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What decides whether a server block with a view serves a query: its {@link ViewFilter}s, run
 * after the block's metadata is collected (CoreDNS collects metadata before it evaluates views,
 * so an expression may read {@code metadata('geoip/city/name')}).
 */
public final class BlockView {

  private static final Logger LOG = LoggerFactory.getLogger(BlockView.class);

  private final ViewFilter[] filters;
  private final Consumer<Request> metadata;
  private final String name;

  /**
   * @param filters the block's filters, at least one; all must accept a query
   * @param metadata collects the block's metadata for a request, or {@code null} when the block
   *     has no {@code metadata} directive
   */
  public BlockView(List<ViewFilter> filters, Consumer<Request> metadata) {
    if (filters.isEmpty()) {
      throw new IllegalArgumentException("a view needs a filter");
    }
    this.filters = filters.toArray(ViewFilter[]::new);
    this.metadata = metadata;
    this.name = filters.get(0).viewName();
  }

  /** The name of the (first) view, for logs. */
  public String name() {
    return name;
  }

  /** Whether the block serves {@code request}; a filter that throws does not admit it. */
  public boolean admits(Request request) {
    if (metadata != null) {
      metadata.accept(request);
    }
    for (ViewFilter filter : filters) {
      try {
        if (!filter.accepts(request)) {
          return false;
        }
      } catch (RuntimeException e) {
        LOG.debug("view {} failed on {}: {}", filter.viewName(), request, e.toString());
        return false;
      }
    }
    return true;
  }
}
