package dev.corvus.dns.plugin.kubernetes;

import dev.corvus.dns.api.Fallthrough;
import dev.corvus.dns.api.config.TlsFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.Name;

/**
 * The validated {@code kubernetes} directive.
 *
 * @param zones the zones answered (lower case, absolute), forward zone(s) and reverse zones
 * @param primaryZone the first non-reverse zone, used in PTR targets
 * @param apiSource where cluster objects come from
 * @param namespaces the {@code namespaces} option; empty means all
 * @param labels the {@code labels} selector for Services and EndpointSlices, or {@code null}
 * @param namespaceLabels the {@code namespace_labels} selector, or {@code null}
 * @param podMode the {@code pods} option
 * @param endpointPodNames whether endpoints without a hostname are named after their pod
 * @param ttl the TTL of answers in seconds
 * @param noEndpoints whether EndpointSlices are not watched at all ({@code noendpoints})
 * @param fallthrough the {@code fallthrough} zones
 * @param ignoreEmptyService whether ClusterIP Services without ready endpoints are NXDOMAIN
 * @param startupTimeout how long the server waits for the first sync before it serves anyway
 * @param multiclusterZones the {@code multicluster} zones (Multi-Cluster Services): each of
 *     {@code zones} equal to or below one of them is answered from ServiceImports; empty when the
 *     option is not set
 */
record KubernetesConfig(
    List<Name> zones,
    Name primaryZone,
    ApiSource apiSource,
    Set<String> namespaces,
    LabelSelector labels,
    LabelSelector namespaceLabels,
    PodMode podMode,
    boolean endpointPodNames,
    long ttl,
    boolean noEndpoints,
    Fallthrough fallthrough,
    boolean ignoreEmptyService,
    Duration startupTimeout,
    List<Name> multiclusterZones) {

  static final long DEFAULT_TTL = 5;
  static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(5);

  KubernetesConfig {
    zones = List.copyOf(zones);
    namespaces = Set.copyOf(namespaces);
    multiclusterZones = List.copyOf(multiclusterZones);
  }

  /** A configuration without {@code multicluster} zones. */
  KubernetesConfig(
      List<Name> zones,
      Name primaryZone,
      ApiSource apiSource,
      Set<String> namespaces,
      LabelSelector labels,
      LabelSelector namespaceLabels,
      PodMode podMode,
      boolean endpointPodNames,
      long ttl,
      boolean noEndpoints,
      Fallthrough fallthrough,
      boolean ignoreEmptyService,
      Duration startupTimeout) {
    this(zones, primaryZone, apiSource, namespaces, labels, namespaceLabels, podMode, endpointPodNames, ttl,
        noEndpoints, fallthrough, ignoreEmptyService, startupTimeout, List.of());
  }

  /**
   * Whether {@code zone}, one of {@link #zones}, is a {@code multicluster} zone: equal to or below
   * one, as CoreDNS matches them.
   */
  boolean multicluster(Name zone) {
    for (Name multicluster : multiclusterZones) {
      if (zone.subdomain(multicluster)) {
        return true;
      }
    }
    return false;
  }

  /** Where the plugin reads cluster objects from. */
  sealed interface ApiSource permits ApiServer, OfflineDirectory {}

  /**
   * An API server, reached as CoreDNS would: {@code endpoint} (with {@code tls}), else {@code
   * kubeconfig}, else the pod's service account.
   *
   * @param endpoint the API server URL, or {@code null}
   * @param tls client certificate, key and CA ({@code tls CERT KEY CACERT}), or {@code null}
   * @param kubeconfig the kubeconfig file, or {@code null}
   * @param kubeconfigContext the context to use, or {@code null} for the current one
   * @param qps {@code apiserver_qps}, or 0 when unset
   * @param burst {@code apiserver_burst}, or 0 when unset
   * @param maxInflight {@code apiserver_max_inflight}, or 0 when unset
   */
  record ApiServer(
      String endpoint,
      TlsFiles tls,
      Path kubeconfig,
      String kubeconfigContext,
      double qps,
      int burst,
      int maxInflight)
      implements ApiSource {}

  /**
   * Corvus's {@code offline DIR}: objects read from YAML/JSON files instead of an API server.
   *
   * @param directory the directory watched for changes
   */
  record OfflineDirectory(Path directory) implements ApiSource {}

}
