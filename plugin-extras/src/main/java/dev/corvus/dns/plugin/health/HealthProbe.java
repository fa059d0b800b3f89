package dev.corvus.dns.plugin.health;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One {@code GET /health} over a plain blocking socket (HTTP/1.1, {@code Connection: close}),
 * returning the status code. A few lines instead of {@code java.net.http.HttpClient}, whose classes
 * and selector thread cost the offline demo cluster 0.2 s of start-up and 10 MiB of RSS.
 */
final class HealthProbe {

  /** "HTTP/1.1 200" and a little more is all the probe reads of the response. */
  private static final int STATUS_LINE_PREFIX = 12;

  private HealthProbe() {}

  /** Where to probe an endpoint bound to {@code address}: a wildcard address on loopback, as CoreDNS uses localhost. */
  static InetSocketAddress target(InetSocketAddress address) {
    InetAddress ip = address.getAddress();
    if (ip != null && !ip.isAnyLocalAddress()) {
      return address;
    }
    try {
      return new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), address.getPort());
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The status code {@code target} answers {@code GET /health} with. */
  static int status(InetSocketAddress target, Duration timeout) throws IOException {
    int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    try (Socket socket = new Socket()) {
      socket.connect(target, millis);
      socket.setSoTimeout(millis);
      String host = target.getAddress() instanceof Inet4Address
          ? target.getAddress().getHostAddress()
          : "[" + target.getAddress().getHostAddress() + "]";
      String request = "GET /health HTTP/1.1\r\nHost: " + host + ":" + target.getPort()
          + "\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      return parseStatus(readPrefix(socket.getInputStream()));
    }
  }

  private static String readPrefix(InputStream in) throws IOException {
    byte[] prefix = new byte[STATUS_LINE_PREFIX];
    int read = 0;
    while (read < prefix.length) {
      int n = in.read(prefix, read, prefix.length - read);
      if (n < 0) {
        break;
      }
      read += n;
    }
    return new String(prefix, 0, read, StandardCharsets.US_ASCII);
  }

  /** The code of a status line such as {@code HTTP/1.1 200 OK}. */
  static int parseStatus(String statusLine) throws IOException {
    if (statusLine.startsWith("HTTP/") && statusLine.length() >= STATUS_LINE_PREFIX
        && statusLine.charAt(8) == ' ') {
      try {
        return Integer.parseInt(statusLine.substring(9, 12));
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw new IOException("not an HTTP status line: " + statusLine.strip());
  }
}
