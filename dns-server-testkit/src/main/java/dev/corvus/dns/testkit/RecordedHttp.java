package dev.corvus.dns.testkit;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * What the loopback servers standing in for a vendor's API (recorded responses of AWS Route 53,
 * Google Cloud DNS, Azure DNS) share: reading a request's query, answering with a body, and
 * loading a recorded response from the test resources.
 */
public final class RecordedHttp {

  private RecordedHttp() {}

  /** The decoded parameters of a raw query string ({@code null} or empty: none). */
  public static Map<String, String> queryParameters(String rawQuery) {
    Map<String, String> params = new HashMap<>();
    if (rawQuery != null && !rawQuery.isEmpty()) {
      for (String pair : rawQuery.split("&")) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        params.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
      }
    }
    return params;
  }

  /**
   * Answers {@code exchange} with {@code status} and {@code body} (UTF-8).
   *
   * @param headers the response's headers, its content type among them
   */
  public static void respond(HttpExchange exchange, int status, String body, Map<String, String> headers)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** The test resource at {@code path} (absolute, e.g. {@code /route53/zone.xml}) as text. */
  public static String resource(String path) {
    try (InputStream in = RecordedHttp.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no recorded response " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
