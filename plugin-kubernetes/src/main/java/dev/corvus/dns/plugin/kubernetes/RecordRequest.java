package dev.corvus.dns.plugin.kubernetes;

/**
 * A query name below the zone, taken apart as CoreDNS's {@code parseRequest} does:
 *
 * <ul>
 *   <li>{@code _port._protocol.service.namespace.svc|pod}
 *   <li>{@code endpoint.service.namespace.svc|pod}
 *   <li>{@code service.namespace.svc|pod}, {@code namespace.svc|pod}, {@code svc|pod}
 *   <li>in a {@code multicluster} zone also {@code endpoint.cluster.service.namespace.svc}, when
 *       neither of the two labels starts with an underscore
 * </ul>
 *
 * Labels are lower case; leading underscores of port and protocol are stripped.
 *
 * @param kind {@code svc}, {@code pod}, or empty for the apex
 * @param namespace the namespace label, or empty
 * @param service the service (or pod) label, or empty
 * @param endpoint the endpoint label, or empty
 * @param port the port label without underscore, or empty
 * @param protocol the protocol label without underscore, or empty
 * @param cluster the cluster label of a multicluster endpoint name, or empty
 */
record RecordRequest(
    String kind,
    String namespace,
    String service,
    String endpoint,
    String port,
    String protocol,
    String cluster) {

  static final String SVC = "svc";
  static final String POD = "pod";
  private static final RecordRequest APEX = new RecordRequest("", "", "", "", "", "", "");

  /**
   * Parses the labels left of the zone, leftmost first.
   *
   * @return the request, or {@code null} when the name cannot exist (unknown kind label, too many
   *     labels): CoreDNS's {@code errInvalidRequest}, answered NXDOMAIN
   */
  static RecordRequest parse(String[] labels) {
    return parse(labels, false);
  }

  /**
   * Parses the labels left of the zone, leftmost first, as CoreDNS does in a {@code multicluster}
   * zone when {@code multicluster} is set.
   *
   * @return the request, or {@code null} when the name cannot exist
   */
  static RecordRequest parse(String[] labels, boolean multicluster) {
    int last = labels.length - 1;
    if (last < 0) {
      return APEX;
    }
    String kind = labels[last];
    if (!kind.equals(SVC) && !kind.equals(POD)) {
      return null;
    }
    String namespace = last >= 1 ? labels[last - 1] : "";
    String service = last >= 2 ? labels[last - 2] : "";
    int remaining = Math.max(0, last - 2);
    return switch (remaining) {
      case 0 -> new RecordRequest(kind, namespace, service, "", "", "", "");
      case 1 -> new RecordRequest(kind, namespace, service, labels[0], "", "", "");
      case 2 ->
          multicluster && !labels[0].startsWith("_") && !labels[1].startsWith("_")
              ? new RecordRequest(kind, namespace, service, labels[0], "", "", labels[1])
              : new RecordRequest(
                  kind, namespace, service, "", stripUnderscore(labels[0]), stripUnderscore(labels[1]), "");
      default -> null;
    };
  }

  private static String stripUnderscore(String label) {
    return label.startsWith("_") ? label.substring(1) : label;
  }
}
