package dev.corvus.dns.api.plugin;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * Small HTTP endpoints for operations ({@code /health}, {@code /ready}, {@code /metrics}). The
 * server owns the listeners, so several plugins and server blocks can share an address and a
 * reload does not close a probe's port.
 */
public interface HttpEndpoints {

  /** Answers HTTP requests; called on a non-I/O thread; must be quick and must not throw. */
  @FunctionalInterface
  interface Route {
    /** Answers {@code request}. */
    HttpResponse handle(HttpRequest request);
  }

  /**
   * An HTTP request as a route sees it.
   *
   * @param method the method, e.g. {@code GET} or {@code POST}
   * @param path the request path without the query string, e.g. {@code /inspect/cache}
   * @param parameters the query string's parameters (the first value of each)
   * @param client the client's address
   */
  record HttpRequest(String method, String path, Map<String, String> parameters, InetSocketAddress client) {
    /** Copies {@code parameters}. */
    public HttpRequest {
      parameters = Map.copyOf(parameters);
    }
  }

  /**
   * An HTTP response.
   *
   * @param status the status code, e.g. 200 or 503
   * @param contentType the media type, e.g. {@code text/plain; charset=utf-8}
   * @param body the body
   */
  record HttpResponse(int status, String contentType, byte[] body) {
    /** A {@code text/plain} response. */
    public static HttpResponse text(int status, String body) {
      return new HttpResponse(
          status, "text/plain; charset=utf-8", body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  /** A path served on a listener; closing it stops serving the path. */
  interface Endpoint extends AutoCloseable {
    /** The address the listener is bound to (the real port when port 0 was asked for). */
    InetSocketAddress boundAddress();

    /** Stops serving the path; the listener closes when no path is left on it. */
    @Override
    void close();
  }

  /**
   * Serves {@code path} on {@code address} with {@code route} until the returned endpoint is
   * closed; GET, HEAD and POST reach the route. A path ending in {@code /} also serves every path
   * below it that has no route of its own. A later registration of the same address and path replaces an earlier one (that is
   * how a reloaded configuration takes over); the listener closes when no path is left.
   *
   * @throws java.io.UncheckedIOException when the address cannot be bound
   */
  Endpoint serve(InetSocketAddress address, String path, Route route);
}
