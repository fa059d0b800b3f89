package dev.corvus.dns.plugin.kubernetes;

import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * Recognises a name the plugin could not answer as a pod resolver's search-path expansion of
 * another name. A pod with {@code dnsPolicy: ClusterFirst} has {@code search NS.svc.ZONE svc.ZONE
 * ZONE} and {@code options ndots:5} (Kubernetes DNS specification, "What clients do with it"), so
 * a name {@code ORIGINAL} with fewer than five dots is first asked as {@code ORIGINAL.NS.svc.ZONE},
 * then {@code ORIGINAL.svc.ZONE}, then {@code ORIGINAL.ZONE}, and only then as itself.
 *
 * <p>The rule, applied to the labels left of the zone of a name that does not exist:
 *
 * <ol>
 *   <li>{@code ORIGINAL.NS.svc}, where {@code NS} is an existing namespace: an expansion with the
 *       first search domain, unless it is one of the two longer names the specification defines
 *       under a namespace: {@code hostname.service} with {@code service} a Service of {@code NS}
 *       (an endpoint name), or {@code _port._proto.service} (SRV). The client's namespace is
 *       {@code NS}.
 *   <li>{@code ORIGINAL.svc}, where the label before {@code svc} is not an existing namespace: an
 *       expansion with the second search domain.
 *   <li>{@code ORIGINAL}, where the last label is neither {@code svc} nor {@code pod}: an expansion
 *       with the zone itself.
 * </ol>
 *
 * <p>In every case {@code ORIGINAL} has two to five labels: a single-label name is what search
 * lists are for, and a name with five dots or more is asked as itself first (ndots:5), so its
 * expansions do not delay the real answer.
 */
final class SearchPathRule {

  /** ndots:5: names with fewer dots (at most five labels) are searched before being asked as is. */
  static final int MAX_ORIGINAL_LABELS = 5;

  /**
   * A recognised expansion.
   *
   * @param original the name the pod meant, without trailing dot, e.g. {@code api.example.com}
   * @param namespace the client's namespace when the name tells it (first search domain), else
   *     {@code null}
   */
  record Expansion(String original, String namespace) {}

  private final Predicate<String> namespaceExists;
  private final BiPredicate<String, String> serviceExists;

  /**
   * @param namespaceExists whether a namespace of this name exists in the cluster
   * @param serviceExists whether a Service (namespace, name) exists
   */
  SearchPathRule(Predicate<String> namespaceExists, BiPredicate<String, String> serviceExists) {
    this.namespaceExists = namespaceExists;
    this.serviceExists = serviceExists;
  }

  /**
   * The expansion {@code labels} (left of the zone, lower case, leftmost first) stands for, or
   * {@code null} when the name is not one.
   */
  Expansion match(String[] labels) {
    int n = labels.length;
    if (n < 2) {
      return null;
    }
    String last = labels[n - 1];
    if (last.equals(RecordRequest.POD)) {
      return null;
    }
    if (!last.equals(RecordRequest.SVC)) {
      return expansion(labels, n, null);
    }
    String beforeSvc = labels[n - 2];
    if (namespaceExists.test(beforeSvc)) {
      int originalLabels = n - 2;
      if (originalLabels == 2 && serviceExists.test(beforeSvc, labels[1])) {
        return null;
      }
      if (originalLabels == 3 && labels[0].startsWith("_") && labels[1].startsWith("_")) {
        return null;
      }
      return expansion(labels, originalLabels, beforeSvc);
    }
    return expansion(labels, n - 1, null);
  }

  private static Expansion expansion(String[] labels, int originalLabels, String namespace) {
    if (originalLabels < 2 || originalLabels > MAX_ORIGINAL_LABELS) {
      return null;
    }
    return new Expansion(String.join(".", java.util.Arrays.asList(labels).subList(0, originalLabels)), namespace);
  }
}
