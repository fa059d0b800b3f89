package dev.corvus.dns.plugin.kubernetes;

/** How {@code a-b-c-d.ns.pod.ZONE} names are answered (CoreDNS's {@code pods} option). */
enum PodMode {
  /** NXDOMAIN for every pod name (the default). */
  DISABLED,
  /** Any well-formed address is answered without checking that such a pod exists. */
  INSECURE,
  /** Answered only when a pod with that address exists in that namespace (watches pods). */
  VERIFIED;

  /** The mode named {@code text} as written in a Corefile, or {@code null}. */
  static PodMode parse(String text) {
    return switch (text) {
      case "disabled" -> DISABLED;
      case "insecure" -> INSECURE;
      case "verified" -> VERIFIED;
      default -> null;
    };
  }
}
