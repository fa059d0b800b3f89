package dev.corvus.dns.plugin.forward;

/** Why an exchange with an upstream is made, which decides what it is counted in. */
enum Purpose {
  /** A forwarded client query: connection cache metrics, and a port unreachable counts towards {@code max_fails}. */
  QUERY,
  /** A health-check probe: connection cache metrics; the checker counts its failures itself. */
  HEALTH_CHECK,
  /** An explained query ({@code corvus explain}): counted nowhere. */
  EXPLANATION;

  /** Whether the connection cache hit or miss is counted. */
  boolean countsConnections() {
    return this != EXPLANATION;
  }

  /** Whether the answer's bytes are kept for relaying to the client ({@link RelayWire}). */
  boolean relaysAnswer() {
    return this == QUERY;
  }

  /** Whether the kernel reporting the upstream unreachable counts towards {@code max_fails}. */
  boolean countsUnreachable() {
    return this == QUERY;
  }
}
