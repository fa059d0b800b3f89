package dev.corvus.dns.plugin.forward;

import java.util.Locale;

/** How the upstreams are ordered for each query ({@code policy} option). */
enum Policy {
  /** A random permutation per query (CoreDNS's default). */
  RANDOM,
  /** Starts at the next upstream in turn, then the others in configured order. */
  ROUND_ROBIN,
  /** Always the configured order. */
  SEQUENTIAL;

  /** The keyword as written in a Corefile. */
  String keyword() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The policy for {@code keyword}, or {@code null} when there is none. */
  static Policy fromKeyword(String keyword) {
    for (Policy policy : values()) {
      if (policy.keyword().equals(keyword)) {
        return policy;
      }
    }
    return null;
  }
}
