package dev.corvus.dns.plugin.kubernetes;

import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.metadata.MetadataProvider;
import dev.corvus.dns.api.metadata.MetadataSink;
import java.util.List;
import java.util.function.Function;
import org.xbill.DNS.Name;

/**
 * The labels CoreDNS's kubernetes plugin publishes for the {@code metadata} directive ({@code
 * plugin/kubernetes/metadata.go}):
 *
 * <ul>
 *   <li>{@code kubernetes/client-namespace}, {@code kubernetes/client-pod-name}: the pod with the
 *       client's address, when pods are indexed ({@code pods verified}, or once autopath asked);
 *       no value otherwise or when no pod has that address;
 *   <li>for names in the plugin's zones, the query name taken apart as the plugin does: {@code
 *       kubernetes/kind} ({@code svc} or {@code pod}), {@code kubernetes/namespace}, {@code
 *       kubernetes/service}, {@code kubernetes/endpoint}, {@code kubernetes/port-name}, {@code
 *       kubernetes/protocol} (empty when the name has no such part, as in CoreDNS); a name that
 *       cannot exist below the zone publishes only {@code kubernetes/parse-error}.
 * </ul>
 *
 * Every value is computed when a handler first reads it; publishing costs the suppliers only.
 * CoreDNS's {@code kubernetes/client-label/KEY} is not published: the index keeps no pod labels.
 */
final class KubernetesMetadata implements MetadataProvider {

  static final String CLIENT_NAMESPACE = "kubernetes/client-namespace";
  static final String CLIENT_POD_NAME = "kubernetes/client-pod-name";
  static final String KIND = "kubernetes/kind";
  static final String NAMESPACE = "kubernetes/namespace";
  static final String SERVICE = "kubernetes/service";
  static final String ENDPOINT = "kubernetes/endpoint";
  static final String PORT_NAME = "kubernetes/port-name";
  static final String PROTOCOL = "kubernetes/protocol";
  static final String CLUSTER = "kubernetes/cluster";
  static final String PARSE_ERROR = "kubernetes/parse-error";
  /** CoreDNS's {@code errInvalidRequest}. */
  private static final String INVALID_QUERY_NAME = "invalid query name";

  private final List<Name> zones;
  private final ClusterIndex index;
  private final List<Name> multiclusterZones;

  KubernetesMetadata(List<Name> zones, ClusterIndex index) {
    this(zones, index, List.of());
  }

  /** @param multiclusterZones the {@code multicluster} zones, whose names also publish their cluster */
  KubernetesMetadata(List<Name> zones, ClusterIndex index, List<Name> multiclusterZones) {
    this.zones = zones;
    this.index = index;
    this.multiclusterZones = List.copyOf(multiclusterZones);
  }

  @Override
  public void publish(Request request, MetadataSink sink) {
    ClientPod pod = new ClientPod(request);
    sink.put(CLIENT_NAMESPACE, () -> pod.field(ClusterIndex.PodRef::namespace));
    sink.put(CLIENT_POD_NAME, () -> pod.field(ClusterIndex.PodRef::name));
    QueryName query = new QueryName(request.qname());
    sink.put(KIND, () -> query.field(RecordRequest::kind));
    sink.put(NAMESPACE, () -> query.field(RecordRequest::namespace));
    sink.put(SERVICE, () -> query.field(RecordRequest::service));
    sink.put(ENDPOINT, () -> query.field(RecordRequest::endpoint));
    sink.put(PORT_NAME, () -> query.field(RecordRequest::port));
    sink.put(PROTOCOL, () -> query.field(RecordRequest::protocol));
    if (!multiclusterZones.isEmpty()) {
      // CoreDNS publishes the cluster only for names in a multicluster zone.
      sink.put(CLUSTER, () -> query.multicluster() ? query.field(RecordRequest::cluster) : null);
    }
    sink.put(PARSE_ERROR, query::error);
  }

  /** The pod with the client's address, looked up once, when a label first needs it. */
  private final class ClientPod {
    private final Request request;
    private boolean looked;
    private ClusterIndex.PodRef pod;

    ClientPod(Request request) {
      this.request = request;
    }

    synchronized String field(Function<ClusterIndex.PodRef, String> part) {
      if (!looked) {
        // The index holds pods only when they are watched; the lookup never starts a watch.
        List<ClusterIndex.PodRef> pods = index.podsWithAddress(request.client().getAddress());
        pod = pods.isEmpty() ? null : pods.get(0);
        looked = true;
      }
      return pod == null ? null : part.apply(pod);
    }
  }

  /** The query name taken apart once, when a label first needs it. */
  private final class QueryName {
    private final Name qname;
    private boolean parsed;
    private boolean inZone;
    private boolean multicluster;
    private RecordRequest request;

    QueryName(Name qname) {
      this.qname = qname;
    }

    synchronized String field(Function<RecordRequest, String> part) {
      parse();
      return request == null ? null : part.apply(request);
    }

    synchronized boolean multicluster() {
      parse();
      return multicluster;
    }

    synchronized String error() {
      parse();
      return inZone && request == null ? INVALID_QUERY_NAME : null;
    }

    private void parse() {
      if (parsed) {
        return;
      }
      parsed = true;
      Name zone = Names.longestMatch(qname, zones);
      if (zone == null) {
        return;
      }
      inZone = true;
      multicluster = multiclusterZones.stream().anyMatch(zone::subdomain);
      String[] labels = KubernetesHandler.labelsLeftOf(qname, zone);
      // CoreDNS: the apex and the bare svc and pod names are no request, every part empty.
      boolean bare = labels.length == 1 && (labels[0].equals(RecordRequest.SVC) || labels[0].equals(RecordRequest.POD));
      request = bare ? RecordRequest.parse(new String[0]) : RecordRequest.parse(labels, multicluster);
    }
  }
}
