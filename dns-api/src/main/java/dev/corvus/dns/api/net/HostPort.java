package dev.corvus.dns.api.net;

import dev.corvus.dns.api.Names;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A {@code host[:port]} as Corefiles and command lines write addresses: {@code 10.0.0.1},
 * {@code 10.0.0.1:53}, {@code [::1]:53}, a bare IPv6 literal {@code ::1}, {@code :9153} (every
 * address), {@code localhost:9153}. One parser for every place that reads one, so the rules are
 * the same everywhere.
 *
 * @param host the host as written, without brackets; empty for every address
 * @param port the port, or the default when none was written
 */
public record HostPort(String host, int port) {

  /** Validates the port. */
  public HostPort {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range (0-65535): " + port);
    }
  }

  /**
   * Parses {@code text}.
   *
   * @param defaultPort the port when the text names none
   * @throws IllegalArgumentException saying what was expected ({@code expected "]" after the IPv6
   *     address}, {@code expected a port (0-65535)}), for the caller to put in context
   */
  public static HostPort parse(String text, int defaultPort) {
    String host;
    String port = null;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("expected \"]\" after the IPv6 address");
      }
      String after = text.substring(close + 1);
      if (!after.isEmpty() && !after.startsWith(":")) {
        throw new IllegalArgumentException("expected \":PORT\" after \"]\"");
      }
      host = text.substring(1, close);
      port = after.isEmpty() ? null : after.substring(1);
    } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
      host = text.substring(0, text.indexOf(':'));
      port = text.substring(text.indexOf(':') + 1);
    } else {
      host = text; // no colon, or a bare IPv6 literal
    }
    return new HostPort(host, port == null ? defaultPort : parsePort(port));
  }

  private static int parsePort(String port) {
    if (port.matches("[0-9]{1,5}")) {
      int value = Integer.parseInt(port);
      if (value <= 65535) {
        return value;
      }
    }
    throw new IllegalArgumentException("expected a port (0-65535)");
  }

  /**
   * The socket address without any name lookup: an IP literal host, {@code localhost} as the
   * loopback address (CoreDNS's own examples write {@code localhost:9153}), an empty host as
   * every address.
   *
   * @throws IllegalArgumentException when the host is a name other than {@code localhost}
   */
  public InetSocketAddress literalAddress() {
    if (host.isEmpty()) {
      return new InetSocketAddress(port);
    }
    if (host.equalsIgnoreCase("localhost")) {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }
    try {
      return new InetSocketAddress(Names.parseAddressLiteral(host), port);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expected an IP address, got \"" + host + "\" (host names are not resolved)", e);
    }
  }

  /** Whether the host is an IP address literal. */
  public boolean isAddressLiteral() {
    try {
      Names.parseAddressLiteral(host);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
