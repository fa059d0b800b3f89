package dev.corvus.dns.api.plugin;

import java.net.InetSocketAddress;

/**
 * Small HTTP endpoints for operations ({@code /health}, {@code /ready}, {@code /metrics}). The
 * server owns the listeners, so several plugins and server blocks can share an address and a
 * reload does not close a probe's port.
 */
public interface HttpEndpoints {

  /** Answers one HTTP GET; called on a non-I/O thread; must be quick and must not throw. */
  @FunctionalInterface
  interface Route {
    /** Answers the request for the route's path. */
    HttpResponse handle();
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
   * Serves {@code GET path} on {@code address} with {@code route} until the returned endpoint is
   * closed. A later registration of the same address and path replaces an earlier one (that is
   * how a reloaded configuration takes over); the listener closes when no path is left.
   *
   * @throws java.io.UncheckedIOException when the address cannot be bound
   */
  Endpoint serve(InetSocketAddress address, String path, Route route);
}
