package dev.corvus.dns.server.corefile;

/** The transport a server block key names, with its default port. */
public enum Scheme {
  DNS("dns", 53),
  TLS("tls", 853),
  HTTPS("https", 443),
  HTTPS3("https3", 443),
  GRPC("grpc", 443),
  QUIC("quic", 853);

  private final String prefix;
  private final int defaultPort;

  Scheme(String prefix, int defaultPort) {
    this.prefix = prefix;
    this.defaultPort = defaultPort;
  }

  /** Whether the server serves this scheme itself; the others need a listener plugin. */
  public boolean builtIn() {
    return this == DNS || this == TLS;
  }

  /** The scheme written as {@code prefix}, or {@code null}. */
  public static Scheme of(String prefix) {
    for (Scheme scheme : values()) {
      if (scheme.prefix.equals(prefix)) {
        return scheme;
      }
    }
    return null;
  }

  /** The scheme as written before {@code ://}. */
  public String prefix() {
    return prefix;
  }

  /** The port used when a key names none ({@code dns} takes the command line's {@code -dns.port}). */
  public int defaultPort() {
    return defaultPort;
  }
}
