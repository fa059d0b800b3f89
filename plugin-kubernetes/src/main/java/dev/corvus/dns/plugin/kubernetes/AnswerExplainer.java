package dev.corvus.dns.plugin.kubernetes;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Says which Kubernetes object stands behind an answer, for {@code corvus explain}: {@code service
 * default/kubernetes (ClusterIP 10.96.0.1) -> A 10.96.0.1}, {@code no service web in namespace
 * team-a: NXDOMAIN}. Only called while explaining; it reads the index again rather than making
 * the lookup on the query path carry what it found.
 */
final class AnswerExplainer {

  /** Answer records listed in a note before the rest is summarised as a count. */
  private static final int LISTED_RECORDS = 6;

  private final KubernetesConfig config;
  private final ClusterIndex index;
  private final Clock clock;
  private final Supplier<ClusterSource> source;

  AnswerExplainer(KubernetesConfig config, ClusterIndex index, Clock clock, Supplier<ClusterSource> source) {
    this.config = config;
    this.index = index;
    this.clock = clock;
    this.source = source;
  }

  /**
   * What the source's state means for answers, or {@code null} when synced and connected: {@code
   * not synced yet ...} or {@code serving last known state (API server unreachable since ...)}.
   */
  String sourceState() {
    ClusterSource current = source.get();
    if (current == null || !current.hasSynced()) {
      return "not synced yet: names that would be NXDOMAIN answer SERVFAIL until the first sync";
    }
    Instant since = null;
    for (ClusterSource.ResourceStatus status : current.resourceStatus()) {
      if (!status.connected() && (since == null || status.lastConnected().isBefore(since))) {
        since = status.lastConnected();
      }
    }
    if (since == null) {
      return null;
    }
    long seconds = Math.max(0, since.until(clock.instant(), ChronoUnit.SECONDS));
    return "serving last known state (API server unreachable since "
        + since.truncatedTo(ChronoUnit.SECONDS) + ", " + seconds + " s ago)";
  }

  /**
   * The object behind {@code labels} (left of {@code zone}, lower case) and what came of it,
   * e.g. {@code headless service team-a/db: 4 ready endpoints from EndpointSlices db-1, db-2 ->
   * A 10.244.1.10, ...}.
   */
  String explain(String[] labels, Name zone, int qtype, Message response) {
    return describe(labels, zone, qtype) + result(response);
  }

  /** The object behind the name, without the result. */
  String describe(String[] labels, Name zone, int qtype) {
    if (labels.length == 0) {
      return "zone apex " + zone;
    }
    if (labels.length == 1 && labels[0].equals("dns-version")) {
      return "dns-version: the Kubernetes DNS schema version";
    }
    if (labels.length == 2 && labels[0].equals("ns") && labels[1].equals("dns")) {
      return "ns.dns." + zone + ": this server's own addresses";
    }
    if (qtype == Type.PTR && KubernetesFactory.isReverse(zone)) {
      return reverse(labels, zone);
    }
    boolean multicluster = config.multicluster(zone);
    RecordRequest r = RecordRequest.parse(labels, multicluster);
    if (r == null) {
      return String.join(".", labels)
          + " is not a Kubernetes DNS name (NAME.NAMESPACE.svc or POD.NAMESPACE.pod under " + zone + ")";
    }
    if (r.kind().isEmpty() || r.namespace().isEmpty()) {
      return r.kind() + "." + zone + ": exists, holds no records";
    }
    String namespaceProblem = namespaceProblem(r.namespace());
    if (namespaceProblem != null) {
      return namespaceProblem;
    }
    if (r.kind().equals(RecordRequest.POD)) {
      return pod(r);
    }
    if (r.service().isEmpty()) {
      return "namespace " + r.namespace() + " exists, holds no records of its own";
    }
    if (multicluster) {
      return serviceImport(r);
    }
    ServiceView service = index.service(r.namespace(), r.service());
    if (service == null) {
      return "no service " + r.service() + " in namespace " + r.namespace();
    }
    ServiceEndpoints endpoints = index.endpoints(service);
    String port = r.port().isEmpty() && r.protocol().isEmpty()
        ? ""
        : ", port _" + r.port() + "._" + r.protocol();
    if (config.ignoreEmptyService()
        && service.kind() == ServiceView.Kind.CLUSTER_IP
        && endpoints.addressCount() == 0) {
      return "service " + key(service) + " has no ready endpoints (ignore empty_service)";
    }
    if (!r.endpoint().isEmpty()) {
      return endpoint(r.endpoint(), service, endpoints);
    }
    return switch (service.kind()) {
      case CLUSTER_IP -> "service " + key(service) + " (ClusterIP " + addresses(service.clusterIps()) + port + ")";
      case EXTERNAL_NAME -> "service " + key(service) + " (ExternalName " + service.externalName()
          + (inZones(service.externalName())
              ? ")"
              : "; the target is outside the zones and resolved through the server, but not while explaining)");
      case HEADLESS -> "headless service " + key(service) + ": " + endpoints.addressCount()
          + " ready endpoints from EndpointSlices " + sliceNames(endpoints.sliceViews()) + port;
    };
  }

  /** A name in a {@code multicluster} zone: the ServiceImport behind it. */
  private String serviceImport(RecordRequest r) {
    MultiClusterIndex.ImportView found = index.multiCluster().serviceImport(r.namespace(), r.service());
    if (found == null) {
      return "no ServiceImport " + r.service() + " in namespace " + r.namespace()
          + " (one without a ClusterSet IP is skipped)";
    }
    List<MultiClusterIndex.ClusterSlice> slices = index.multiCluster().endpoints(found);
    int addresses = 0;
    for (MultiClusterIndex.ClusterSlice slice : slices) {
      addresses += slice.slice().addressCount();
    }
    String endpoints = addresses + " ready endpoints from " + slices.size() + " exported EndpointSlices";
    if (!r.endpoint().isEmpty()) {
      return "endpoint " + r.endpoint() + " of cluster " + r.cluster() + " of ServiceImport "
          + found.namespace() + "/" + found.name() + " (" + endpoints + ")";
    }
    return found.headless()
        ? "headless ServiceImport " + found.namespace() + "/" + found.name() + ": " + endpoints
        : "ServiceImport " + found.namespace() + "/" + found.name() + " (ClusterSetIP " + addresses(found.ips()) + ")";
  }

  private String namespaceProblem(String namespace) {
    if (!index.configuredNamespace(namespace)) {
      return "namespace " + namespace + " is not served (namespaces " + String.join(" ", new TreeSet<>(config.namespaces())) + ")";
    }
    if (!index.namespaceExposed(namespace)) {
      return config.namespaceLabels() == null
          ? "namespace " + namespace + " does not exist"
          : "namespace " + namespace + " does not exist or does not match namespace_labels " + config.namespaceLabels().text();
    }
    return null;
  }

  private String pod(RecordRequest r) {
    String name = r.service() + "." + r.namespace() + ".pod";
    return switch (config.podMode()) {
      case DISABLED -> "pod name " + name + " (pods disabled)";
      case INSECURE -> "pod name " + name + " (pods insecure)";
      case VERIFIED -> {
        InetAddress ip = RecordFinder.podAddress(r.service());
        if (ip == null) {
          yield "pod name " + name + " is not an address (pods verified)";
        }
        List<String> pods = new ArrayList<>();
        for (ClusterIndex.PodRef pod : index.podsWithAddress(ip)) {
          if (pod.namespace().equals(r.namespace())) {
            pods.add(pod.namespace() + "/" + pod.name());
          }
        }
        yield "pod name " + name + " (pods verified: "
            + (pods.isEmpty() ? "no pod in " + r.namespace() + " has this address" : "pod " + String.join(", ", pods)) + ")";
      }
    };
  }

  private static String endpoint(String label, ServiceView service, ServiceEndpoints endpoints) {
    Set<String> slices = new TreeSet<>();
    for (EndpointSliceView slice : endpoints.sliceViews()) {
      for (EndpointAddress address : slice.addresses()) {
        if (address.label().equals(label)) {
          slices.add(slice.name());
        }
      }
    }
    if (slices.isEmpty()) {
      return "no ready endpoint " + label + " in service " + key(service);
    }
    return "endpoint " + label + " of service " + key(service) + " (EndpointSlice " + String.join(", ", slices) + ")";
  }

  private String reverse(String[] labels, Name zone) {
    InetAddress ip;
    try {
      ip = RecordFinder.addressOfReverse(Name.fromString(String.join(".", labels), zone));
    } catch (org.xbill.DNS.TextParseException e) {
      ip = null;
    }
    if (ip == null) {
      return "not a full reverse name of an address";
    }
    ServiceView service = index.serviceWithClusterIp(ip);
    if (service != null && index.reverseAnswers(service.namespace())) {
      return "reverse of " + ip.getHostAddress() + ": cluster IP of service " + key(service);
    }
    List<String> owners = new ArrayList<>();
    for (ClusterIndex.ReverseEndpoint endpoint : index.endpointsWithAddress(ip)) {
      if (!index.reverseAnswers(endpoint.namespace())) {
        continue;
      }
      owners.add("endpoint " + endpoint.label() + " of service " + endpoint.namespace() + "/" + endpoint.serviceName()
          + " (EndpointSlice " + endpoint.slice().name() + ")");
    }
    return owners.isEmpty()
        ? "no service or endpoint has address " + ip.getHostAddress()
        : "reverse of " + ip.getHostAddress() + ": " + String.join(", ", owners);
  }

  /** {@code -> A 10.96.0.1}, {@code : NODATA} or {@code : NXDOMAIN}. */
  static String result(Message response) {
    List<Record> answer = response.getSection(Section.ANSWER);
    if (response.getRcode() != Rcode.NOERROR) {
      return ": " + Rcode.string(response.getRcode());
    }
    if (answer.isEmpty()) {
      return ": NODATA";
    }
    StringBuilder text = new StringBuilder(" -> ");
    for (int i = 0; i < answer.size() && i < LISTED_RECORDS; i++) {
      Record record = answer.get(i);
      if (i > 0) {
        text.append(", ");
      }
      text.append(Type.string(record.getType())).append(' ').append(record.rdataToString());
    }
    if (answer.size() > LISTED_RECORDS) {
      text.append(", ... (").append(answer.size()).append(" records)");
    }
    return text.toString();
  }

  private boolean inZones(String name) {
    return dev.corvus.dns.api.Names.longestMatch(Name.fromConstantString(name), config.zones()) != null;
  }

  private static String key(ServiceView service) {
    return service.namespace() + "/" + service.name();
  }

  private static String addresses(List<InetAddress> ips) {
    if (ips.isEmpty()) {
      return "no IP allocated";
    }
    List<String> text = new ArrayList<>(ips.size());
    for (InetAddress ip : ips) {
      text.add(ip.getHostAddress());
    }
    return String.join(", ", text);
  }

  private static String sliceNames(Collection<EndpointSliceView> slices) {
    Set<String> names = new TreeSet<>();
    for (EndpointSliceView slice : slices) {
      names.add(slice.name());
    }
    return names.isEmpty() ? "(none)" : String.join(", ", names);
  }
}
