package dev.corvus.dns.api;

/** How a query reached the server. */
public enum Transport {
  /** Plain DNS over UDP. */
  UDP("udp"),
  /** Plain DNS over TCP with two-byte length framing (RFC 7766). */
  TCP("tcp"),
  /** DNS over TLS (RFC 7858). */
  TLS("tcp"),
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

  /** Whether the response is limited by the client's UDP payload size and may be truncated. */
  public boolean isDatagram() {
    return this == UDP;
  }
}
