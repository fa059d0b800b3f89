package dev.corvus.dns.server.cli;

import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.net.HostPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * A server a client command talks to, as written on the command line: {@code HOST}, {@code
 * HOST:PORT}, {@code [V6]:PORT} or a bare IPv6 literal. IP literals and {@code localhost} need no
 * lookup; other host names are resolved when the command runs, so that a name that does not
 * resolve is reported as such rather than as a usage error.
 *
 * @param text what the user wrote, for messages
 * @param host the host part, without brackets
 * @param literal the address when the host is an IP literal or {@code localhost}, else {@code null}
 * @param port the port, or the default one when none was written
 */
record HostAndPort(String text, String host, InetAddress literal, int port) {

  /** Resolves a host name that is not an IP literal; the command line's commands use the OS resolver. */
  @FunctionalInterface
  interface Resolver {
    InetAddress resolve(String host) throws UnknownHostException;
  }

  /** The loopback address at {@code port}. */
  static HostAndPort loopback(int port) {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    return new HostAndPort(loopback.getHostAddress() + ":" + port, loopback.getHostAddress(), loopback, port);
  }

  /**
   * Reads {@code HOST[:PORT]}, {@code [V6][:PORT]} or a bare IPv6 literal, by the rules of
   * {@link HostPort} (one parser for Corefiles and the command line), and what a client needs on
   * top: a host, a port to connect to.
   *
   * @throws ValueReader.Invalid saying what was expected
   */
  static HostAndPort parse(String text, int defaultPort) throws ValueReader.Invalid {
    if (text.isEmpty()) {
      throw new ValueReader.Invalid("expected HOST[:PORT]");
    }
    HostPort parsed;
    try {
      parsed = HostPort.parse(text, defaultPort);
    } catch (IllegalArgumentException e) {
      throw new ValueReader.Invalid(e.getMessage());
    }
    String host = parsed.host();
    if (text.startsWith("[") && host.indexOf(':') < 0) {
      throw new ValueReader.Invalid("expected an IPv6 address between \"[\" and \"]\"");
    }
    if (host.isEmpty()) {
      throw new ValueReader.Invalid("expected a host before \":\"");
    }
    if (parsed.port() == 0) {
      throw new ValueReader.Invalid("expected a port (1-65535) to connect to, not 0");
    }
    return new HostAndPort(text, host, literal(host), parsed.port());
  }

  /** The address of an IP literal or {@code localhost}; {@code null} for a name to resolve. */
  private static InetAddress literal(String host) throws ValueReader.Invalid {
    if (host.equalsIgnoreCase("localhost")) {
      return InetAddress.getLoopbackAddress();
    }
    boolean looksNumeric = host.matches("[0-9.]+");
    if (!looksNumeric && host.indexOf(':') < 0) {
      return null;
    }
    try {
      return Names.parseAddressLiteral(host);
    } catch (IllegalArgumentException e) {
      throw new ValueReader.Invalid("\"" + host + "\" is not an " + (looksNumeric ? "IPv4" : "IPv6") + " address");
    }
  }

  /**
   * The socket address to connect to.
   *
   * @throws UnknownHostException when the host is a name {@code resolver} does not know
   */
  InetSocketAddress resolve(Resolver resolver) throws UnknownHostException {
    InetAddress address = literal != null ? literal : resolver.resolve(host.toLowerCase(Locale.ROOT));
    return new InetSocketAddress(address, port);
  }

  @Override
  public String toString() {
    return text;
  }
}
