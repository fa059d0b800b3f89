package dev.corvus.dns.plugin.forward;

/** The protocol a {@code TO} names with its scheme ({@code dns://}, {@code tls://}, {@code https://}). */
enum UpstreamScheme {
  /** Plain DNS over UDP and TCP, port 53; also a {@code TO} without a scheme. */
  DNS("dns", 53),
  /** DNS over TLS (RFC 7858), port 853. */
  TLS("tls", 853),
  /** DNS over HTTPS (RFC 8484), port 443, at CoreDNS's fixed path {@code /dns-query}. */
  HTTPS("https", 443);

  private final String name;
  private final int defaultPort;

  UpstreamScheme(String name, int defaultPort) {
    this.name = name;
    this.defaultPort = defaultPort;
  }

  /** The scheme as written before {@code ://}. */
  String schemeName() {
    return name;
  }

  /** The port used when the {@code TO} names none. */
  int defaultPort() {
    return defaultPort;
  }

  /** Whether the upstream is reached over TLS, and so may carry a TLS server name. */
  boolean encrypted() {
    return this != DNS;
  }

  /** The scheme named {@code name} (lower case), or {@code null}. */
  static UpstreamScheme fromName(String name) {
    for (UpstreamScheme scheme : values()) {
      if (scheme.name.equals(name)) {
        return scheme;
      }
    }
    return null;
  }
}
