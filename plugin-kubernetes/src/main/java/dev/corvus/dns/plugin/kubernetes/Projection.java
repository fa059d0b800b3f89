package dev.corvus.dns.plugin.kubernetes;

import dev.corvus.dns.api.Names;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * Turns API objects into the compact views DNS answers from, dropping everything else. Shared by
 * the informer and the offline source so that both answer identically.
 */
final class Projection {

  /** The label linking an EndpointSlice to its Service. */
  static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  /** The label linking an EndpointSlice to its ServiceImport (Multi-Cluster Services API). */
  static final String MCS_SERVICE_NAME_LABEL = "multicluster.kubernetes.io/service-name";

  /** The label naming the cluster an EndpointSlice of a ServiceImport comes from. */
  static final String MCS_SOURCE_CLUSTER_LABEL = "multicluster.kubernetes.io/source-cluster";

  /** CoreDNS ignores pod names that are too long to be a DNS label. */
  private static final int MAX_LABEL = 63;

  private final boolean endpointPodNames;
  /**
   * One instance of each distinct list of ports: most Services and their slices declare the same
   * few (a single {@code http/tcp/80}), and each would otherwise hold its own copy. Grows with the
   * distinct lists in the cluster, not with the objects.
   */
  private final Map<List<ServicePort>, List<ServicePort>> portLists = new ConcurrentHashMap<>();

  Projection(boolean endpointPodNames) {
    this.endpointPodNames = endpointPodNames;
  }

  /** The DNS view of a Service. */
  ServiceView service(Service service) {
    ServiceSpec spec = service.getSpec();
    String namespace = shared(service.getMetadata().getNamespace());
    String name = shared(service.getMetadata().getName());
    List<ServicePort> ports = new ArrayList<>();
    List<InetAddress> externalIps = new ArrayList<>();
    List<Name> externalHosts = new ArrayList<>();
    ServiceView.Kind kind = ServiceView.Kind.CLUSTER_IP;
    List<InetAddress> clusterIps = new ArrayList<>();
    String externalName = null;
    boolean hasSelector = false;
    if (spec != null) {
      hasSelector = spec.getSelector() != null && !spec.getSelector().isEmpty();
      if (spec.getPorts() != null) {
        for (io.fabric8.kubernetes.api.model.ServicePort port : spec.getPorts()) {
          ports.add(port(port.getName(), port.getProtocol(), port.getPort()));
        }
      }
      if ("ExternalName".equals(spec.getType())) {
        kind = ServiceView.Kind.EXTERNAL_NAME;
        externalName = externalNameTarget(spec.getExternalName());
      } else if ("None".equals(spec.getClusterIP())) {
        kind = ServiceView.Kind.HEADLESS;
      } else {
        List<String> ips = spec.getClusterIPs();
        if (ips == null || ips.isEmpty()) {
          ips = spec.getClusterIP() == null ? List.of() : List.of(spec.getClusterIP());
        }
        addAddresses(ips, clusterIps);
      }
      if (spec.getExternalIPs() != null) {
        addAddresses(spec.getExternalIPs(), externalIps);
      }
    }
    if (service.getStatus() != null
        && service.getStatus().getLoadBalancer() != null
        && service.getStatus().getLoadBalancer().getIngress() != null) {
      for (LoadBalancerIngress ingress : service.getStatus().getLoadBalancer().getIngress()) {
        // CoreDNS takes an entry's ip, else its hostname; a hostname that is an address literal
        // answers as an address (its HostType), any other becomes a CNAME target.
        String text = ingress == null ? null : ingress.getIp() != null && !ingress.getIp().isEmpty() ? ingress.getIp()
            : ingress.getHostname();
        if (parse(text) != null) {
          addAddresses(List.of(text), externalIps);
        } else {
          Name host = hostName(text);
          if (host != null && !externalHosts.contains(host)) {
            externalHosts.add(host);
          }
        }
      }
    }
    return new ServiceView(namespace, name, kind, clusterIps, shared(ports), externalName, externalIps,
        externalHosts, hasSelector);
  }

  /**
   * The DNS view of an EndpointSlice: ready endpoints only, or {@code null} for slices DNS does not
   * use (FQDN address type, no owning Service).
   */
  EndpointSliceView slice(EndpointSlice slice) {
    return slice(slice, SERVICE_NAME_LABEL);
  }

  /**
   * The DNS view of an EndpointSlice exported to the cluster set: as {@link #slice(EndpointSlice)},
   * owned by the ServiceImport its {@link #MCS_SERVICE_NAME_LABEL} names, from the cluster its
   * {@link #MCS_SOURCE_CLUSTER_LABEL} names (empty when unlabelled, as CoreDNS); {@code null} for a
   * slice without the label or of FQDN addresses.
   */
  MultiClusterIndex.ClusterSlice multiClusterSlice(EndpointSlice slice) {
    EndpointSliceView view = slice(slice, MCS_SERVICE_NAME_LABEL);
    if (view == null) {
      return null;
    }
    String cluster = slice.getMetadata().getLabels().get(MCS_SOURCE_CLUSTER_LABEL);
    return new MultiClusterIndex.ClusterSlice(view, cluster == null ? "" : shared(lower(cluster)));
  }

  /**
   * The DNS view of a {@code multicluster.x-k8s.io} ServiceImport, read from its {@code spec}
   * ({@code type}, {@code ips}, {@code ports}); {@code null} for a ClusterSetIP import without a
   * valid IP, which has nothing to answer with.
   */
  static MultiClusterIndex.ImportView serviceImport(GenericKubernetesResource serviceImport) {
    Object spec = serviceImport.getAdditionalProperties().get("spec");
    Map<?, ?> fields = spec instanceof Map<?, ?> map ? map : Map.of();
    boolean headless = "Headless".equals(fields.get("type"));
    List<InetAddress> ips = new ArrayList<>();
    if (!headless && fields.get("ips") instanceof List<?> texts) {
      for (Object text : texts) {
        if (text instanceof String ip) {
          addAddresses(List.of(ip), ips);
        }
      }
    }
    if (!headless && ips.isEmpty()) {
      return null;
    }
    List<ServicePort> ports = new ArrayList<>();
    if (fields.get("ports") instanceof List<?> list) {
      for (Object item : list) {
        if (item instanceof Map<?, ?> port && port.get("port") instanceof Number number) {
          ports.add(
              port(
                  port.get("name") instanceof String name ? name : null,
                  port.get("protocol") instanceof String protocol ? protocol : null,
                  number.intValue()));
        }
      }
    }
    return new MultiClusterIndex.ImportView(
        shared(serviceImport.getMetadata().getNamespace()),
        shared(serviceImport.getMetadata().getName()),
        headless,
        List.copyOf(ips),
        List.copyOf(ports));
  }

  private EndpointSliceView slice(EndpointSlice slice, String ownerLabel) {
    Map<String, String> labels = slice.getMetadata().getLabels();
    String serviceName = labels == null ? null : labels.get(ownerLabel);
    if (serviceName == null || "FQDN".equals(slice.getAddressType())) {
      return null;
    }
    List<ServicePort> ports = new ArrayList<>();
    if (slice.getPorts() == null || slice.getPorts().isEmpty()) {
      ports.add(ServicePort.PORTLESS);
    } else {
      for (EndpointPort port : slice.getPorts()) {
        ports.add(port(port.getName(), port.getProtocol(), port.getPort()));
      }
    }
    List<EndpointAddress> addresses = new ArrayList<>();
    if (slice.getEndpoints() != null) {
      for (Endpoint endpoint : slice.getEndpoints()) {
        if (!ready(endpoint)) {
          continue;
        }
        for (String text : endpoint.getAddresses()) {
          InetAddress address = parse(text);
          if (address != null) {
            addresses.add(new EndpointAddress(address, endpointName(endpoint, text, address)));
          }
        }
      }
    }
    return new EndpointSliceView(
        shared(slice.getMetadata().getNamespace()),
        shared(slice.getMetadata().getName()), // the informer's store holds the same instance
        shared(serviceName),
        shared(ports),
        addresses);
  }

  /** The pod's addresses, for {@code pods verified} and autopath. */
  ClusterIndex.PodRef pod(Pod pod) {
    List<InetAddress> addresses = new ArrayList<>();
    if (pod.getStatus() != null) {
      if (pod.getStatus().getPodIPs() != null && !pod.getStatus().getPodIPs().isEmpty()) {
        for (PodIP ip : pod.getStatus().getPodIPs()) {
          addAddresses(List.of(ip.getIp()), addresses);
        }
      } else if (pod.getStatus().getPodIP() != null) {
        addAddresses(List.of(pod.getStatus().getPodIP()), addresses);
      }
    }
    return new ClusterIndex.PodRef(
        pod.getMetadata().getNamespace(), pod.getMetadata().getName(), List.copyOf(addresses));
  }

  /** A namespace's name. */
  static String namespace(Namespace namespace) {
    return namespace.getMetadata().getName();
  }

  /**
   * CoreDNS's {@code endpointHostname}: the hostname, else (with {@code endpoint_pod_names}) the
   * pod name, else the address with {@code .} or {@code :} replaced by {@code -} (and a trailing
   * {@code -} completed with {@code 0}, so {@code fd00::} gives {@code fd00--0}); {@code null} for
   * an IPv4 address written canonically, whose dashed form {@link EndpointAddress#label()} derives.
   */
  private String endpointName(Endpoint endpoint, String text, InetAddress address) {
    if (endpoint.getHostname() != null && !endpoint.getHostname().isEmpty()) {
      return lower(endpoint.getHostname());
    }
    if (endpointPodNames
        && endpoint.getTargetRef() != null
        && endpoint.getTargetRef().getName() != null
        && !endpoint.getTargetRef().getName().isEmpty()
        && endpoint.getTargetRef().getName().length() <= MAX_LABEL) {
      return lower(endpoint.getTargetRef().getName());
    }
    if (text.contains(".")) {
      return address instanceof Inet4Address && text.equals(address.getHostAddress())
          ? null
          : text.replace('.', '-');
    }
    String dashed = text.replace(':', '-').toLowerCase(Locale.ROOT);
    return dashed.endsWith("-") ? dashed + "0" : dashed;
  }

  /** The EndpointSlice API: a missing ready condition means ready. */
  private static boolean ready(Endpoint endpoint) {
    return endpoint.getConditions() == null
        || endpoint.getConditions().getReady() == null
        || endpoint.getConditions().getReady();
  }

  private static String externalNameTarget(String externalName) {
    if (externalName == null || externalName.isEmpty() || parse(externalName) != null) {
      // CoreDNS answers only a name here; an IP in externalName gives no record.
      return null;
    }
    String lower = externalName.toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower : lower + ".";
  }

  /**
   * A LoadBalancer ingress host name as an absolute name, spelled as given; {@code null} for none
   * or one that is not a valid DNS name (the API server accepts only DNS-1123 subdomains there).
   */
  private static Name hostName(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      return Name.fromString(text, Name.root);
    } catch (TextParseException e) {
      return null;
    }
  }

  private static void addAddresses(List<String> texts, List<InetAddress> into) {
    for (String text : texts) {
      InetAddress address = parse(text);
      if (address != null && !into.contains(address)) {
        into.add(address);
      }
    }
  }

  private static InetAddress parse(String text) {
    if (text == null || text.isEmpty() || "None".equals(text)) {
      return null;
    }
    try {
      return Names.parseAddressLiteral(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String lower(String text) {
    return text == null ? "" : text.toLowerCase(Locale.ROOT);
  }

  /** A Service's or a slice's port: names and protocols in lower case, TCP when none is given. */
  private static ServicePort port(String name, String protocol, Integer number) {
    return new ServicePort(
        shared(lower(name)),
        protocol == null ? "tcp" : shared(lower(protocol)),
        number == null ? ServicePort.NONE : number);
  }

  private List<ServicePort> shared(List<ServicePort> ports) {
    return portLists.computeIfAbsent(List.copyOf(ports), list -> list);
  }

  /**
   * One instance per distinct value: namespaces, Service names and port names and protocols
   * repeat across every Service, EndpointSlice and endpoint that carries them (at 10,000 Services
   * tens of thousands of copies otherwise).
   */
  private static String shared(String text) {
    return text == null ? null : text.intern();
  }
}
