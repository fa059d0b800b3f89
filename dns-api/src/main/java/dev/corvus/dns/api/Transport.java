package dev.corvus.dns.api;

/** How a query reached the server. */
public enum Transport {
  /** Plain DNS over UDP. */
  UDP("udp"),
  /** Plain DNS over TCP with two-byte length framing (RFC 7766). */
  TCP("tcp"),
  /** DNS over TLS (RFC 7858). */
  TLS("tcp"),
  /** DNS over HTTPS (RFC 8484) over HTTP/1.1 or HTTP/2; CoreDNS labels it {@code tcp}. */
  HTTPS("tcp"),
  /** DNS over HTTPS over HTTP/3 (QUIC); CoreDNS labels it {@code udp}. */
  HTTPS3("udp"),
  /** DNS over QUIC (RFC 9250); CoreDNS labels it {@code udp}. */
  QUIC("udp"),
  /** CoreDNS's gRPC transport ({@code DnsService.Query}); CoreDNS labels it {@code tcp}. */
  GRPC("tcp"),
  /** A query a plugin sent through the server itself (see {@link dev.corvus.dns.api.plugin.Resolver}). */
  INTERNAL("udp");

  private final String protocolLabel;

  Transport(String protocolLabel) {
    this.protocolLabel = protocolLabel;
  }

  /**
   * The protocol as CoreDNS names it in logs and metric labels: {@code udp} or {@code tcp}
   * (DNS over TLS counts as {@code tcp}).
   */
  public String protocolLabel() {
    return protocolLabel;
  }

  /**
   * Whether the response is limited by the client's UDP payload size and may be truncated: plain
   * UDP only (DNS over QUIC and HTTP/3 carry whole messages).
   */
  public boolean isDatagram() {
    return this == UDP;
  }
}
