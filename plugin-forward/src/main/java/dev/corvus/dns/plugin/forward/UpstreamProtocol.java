package dev.corvus.dns.plugin.forward;

/** How one exchange with an upstream travels. */
enum UpstreamProtocol {
  /** One datagram each way. */
  UDP("udp"),
  /** A pooled, pipelined TCP connection (RFC 7766). */
  TCP("tcp"),
  /** A pooled, pipelined TLS connection (RFC 7858). */
  TLS("tcp-tls"),
  /** DNS over HTTPS (RFC 8484) on the upstream's HTTP client ({@link DohClient}). */
  HTTPS("https");

  private final String label;

  UpstreamProtocol(String label) {
    this.label = label;
  }

  /** The {@code proto} label of CoreDNS's connection cache metrics. */
  String label() {
    return label;
  }
}
