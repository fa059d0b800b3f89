package dev.corvus.dns.plugin.kubernetes;

import dev.corvus.dns.api.Names;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.Name;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.TextParseException;

/**
 * Finds what a name stands for in the {@link ClusterIndex}: CoreDNS's {@code Records}, {@code
 * findServices}, {@code findPods} and {@code serviceRecordForIP}. Every step is a hash lookup;
 * iteration is bounded by the size of the answer.
 */
final class RecordFinder {

  /**
   * One thing a name stands for: an address behind a port, or a CNAME target.
   *
   * @param address the address, or {@code null} for a CNAME
   * @param cname the external name (absolute, lower case), or {@code null}
   * @param port the port, {@link ServicePort#NONE} when there is none
   * @param target the name of the address in SRV answers: {@code svc.ns.svc.ZONE.} or {@code
   *     endpoint.svc.ns.svc.ZONE.}, with the zone as the client wrote it
   */
  record Entry(InetAddress address, String cname, int port, Target target) {}

  /**
   * A name built only when an answer needs it (SRV targets, NS): A and AAAA answers, the bulk of
   * the traffic, never do.
   *
   * @param first the leftmost label
   * @param rest the labels between it and the zone
   * @param zone the zone as the client wrote it
   */
  record Target(String first, String rest, Name zone) {
    /** The labels left of the zone, e.g. {@code db-0.db.team-a.svc}. */
    String labels() {
      return first.isEmpty() ? rest : first + "." + rest;
    }

    Name name() {
      try {
        return Name.fromString(labels(), zone);
      } catch (TextParseException e) {
        throw new IllegalArgumentException("not a valid name: " + labels() + "." + zone, e);
      }
    }

    /** The same name with another label in front. */
    Target under(String label) {
      return new Target(label, labels(), zone);
    }
  }

  /** {@code service.namespace.svc} under {@code zone}, the string built only when needed. */
  private static Target serviceTarget(ServiceView service, Name zone) {
    return new Target(service.name(), service.namespace() + "." + RecordRequest.SVC, zone);
  }

  /**
   * The result of a lookup.
   *
   * @param entries what the name stands for (may be empty: the name exists without records)
   * @param nameError whether the name does not exist (NXDOMAIN)
   */
  record Found(List<Entry> entries, boolean nameError) {
    static final Found EMPTY = new Found(List.of(), false);
    static final Found NAME_ERROR = new Found(List.of(), true);
  }

  private final KubernetesConfig config;
  private final ClusterIndex index;
  private volatile List<InetAddress> localAddresses = List.of();

  RecordFinder(KubernetesConfig config, ClusterIndex index) {
    this.config = config;
    this.index = index;
  }

  /** The addresses this server answers on, for the apex NS records (CoreDNS's bound IPs). */
  void localAddresses(List<InetAddress> addresses) {
    this.localAddresses = List.copyOf(addresses);
  }

  /** CoreDNS's {@code Records}: the name split into labels left of {@code zone}. */
  Found records(String[] labels, Name zone) {
    boolean multicluster = config.multicluster(zone);
    RecordRequest r = RecordRequest.parse(labels, multicluster);
    if (r == null) {
      return Found.NAME_ERROR;
    }
    if (r.kind().isEmpty() || r.namespace().isEmpty()) {
      return Found.EMPTY;
    }
    if (isReverse(zone)) {
      return Found.NAME_ERROR; // CoreDNS: a name in a reverse zone is never a service or pod
    }
    if (!index.namespaceExposed(r.namespace())) {
      return Found.NAME_ERROR;
    }
    if (r.kind().equals(RecordRequest.POD)) {
      return findPods(r, zone);
    }
    return multicluster ? findMultiClusterServices(r, zone) : findServices(r, zone);
  }

  /**
   * CoreDNS's {@code findMultiClusterServices}: the ServiceImport's ClusterSet IPs, or for a
   * headless import (or an endpoint name, {@code endpoint.cluster.service.namespace.svc}) the
   * exported endpoints, each named under its source cluster.
   */
  private Found findMultiClusterServices(RecordRequest r, Name zone) {
    if (r.service().isEmpty()) {
      return Found.EMPTY;
    }
    MultiClusterIndex imports = index.multiCluster();
    MultiClusterIndex.ImportView serviceImport = imports.serviceImport(r.namespace(), r.service());
    if (serviceImport == null) {
      return Found.NAME_ERROR;
    }
    List<MultiClusterIndex.ClusterSlice> slices = imports.endpoints(serviceImport);
    if (config.ignoreEmptyService() && !serviceImport.headless()) {
      int addresses = 0;
      for (MultiClusterIndex.ClusterSlice slice : slices) {
        addresses += slice.slice().addressCount();
      }
      if (addresses == 0) {
        return Found.NAME_ERROR;
      }
    }
    Target serviceName =
        new Target(serviceImport.name(), serviceImport.namespace() + "." + RecordRequest.SVC, zone);
    List<Entry> entries = new ArrayList<>();
    if (serviceImport.headless() || !r.endpoint().isEmpty()) {
      for (MultiClusterIndex.ClusterSlice slice : slices) {
        if (!r.endpoint().isEmpty() && !r.cluster().equals(slice.cluster())) {
          continue;
        }
        Target clusterName = slice.cluster().isEmpty() ? serviceName : serviceName.under(slice.cluster());
        EndpointSliceView view = slice.slice();
        for (int i = 0; i < view.addressCount(); i++) {
          if (!r.endpoint().isEmpty() && !r.endpoint().equals(view.label(i))) {
            continue;
          }
          addMember(r, view.endpoint(i), view.ports(), clusterName, entries);
        }
      }
    } else {
      for (ServicePort port : serviceImport.ports()) {
        if (port.matches(r.port(), r.protocol())) {
          for (InetAddress ip : serviceImport.ips()) {
            entries.add(new Entry(ip, null, port.port(), serviceName));
          }
        }
      }
    }
    return entries.isEmpty() ? Found.NAME_ERROR : new Found(entries, false);
  }

  private Found findServices(RecordRequest r, Name zone) {
    if (r.service().isEmpty()) {
      return Found.EMPTY;
    }
    ServiceView service = index.service(r.namespace(), r.service());
    if (service == null) {
      return Found.NAME_ERROR;
    }
    if (config.ignoreEmptyService()
        && service.kind() == ServiceView.Kind.CLUSTER_IP
        && index.endpoints(service).addressCount() == 0) {
      return Found.NAME_ERROR;
    }
    Target serviceName = serviceTarget(service, zone);
    List<Entry> entries = new ArrayList<>();
    switch (service.kind()) {
      case EXTERNAL_NAME -> {
        if (!r.endpoint().isEmpty() || !r.port().isEmpty() || !r.protocol().isEmpty()
            || service.externalName() == null) {
          return Found.NAME_ERROR;
        }
        entries.add(new Entry(null, service.externalName(), ServicePort.NONE, serviceName));
      }
      case HEADLESS -> addEndpoints(r, service, serviceName, entries);
      case CLUSTER_IP -> {
        if (!r.endpoint().isEmpty()) {
          addEndpoints(r, service, serviceName, entries);
        } else {
          boolean portMatched = false;
          for (ServicePort port : service.ports()) {
            if (port.matches(r.port(), r.protocol())) {
              portMatched = true;
              for (InetAddress ip : service.clusterIps()) {
                entries.add(new Entry(ip, null, port.port(), serviceName));
              }
            }
          }
          if (portMatched && entries.isEmpty()) {
            // CoreDNS: a matching port makes the name exist even before an IP is allocated.
            return Found.EMPTY;
          }
        }
      }
    }
    return entries.isEmpty() ? Found.NAME_ERROR : new Found(entries, false);
  }

  private void addEndpoints(
      RecordRequest r, ServiceView service, Target serviceName, List<Entry> entries) {
    if (!r.endpoint().isEmpty()) {
      for (ServiceEndpoints.Member member : index.endpointsLabelled(service, r.endpoint())) {
        addMember(r, member.address(), member.ports(), serviceName, entries);
      }
      return;
    }
    for (EndpointSliceView slice : index.endpoints(service).sliceViews()) {
      for (EndpointAddress address : slice.addresses()) {
        addMember(r, address, slice.ports(), serviceName, entries);
      }
    }
  }

  private static void addMember(
      RecordRequest r,
      EndpointAddress address,
      List<ServicePort> ports,
      Target serviceName,
      List<Entry> entries) {
    Target target = null;
    for (ServicePort port : ports) {
      if (port.matches(r.port(), r.protocol())) {
        if (target == null) {
          target = serviceName.under(address.label());
        }
        entries.add(new Entry(address.address(), null, port.port(), target));
      }
    }
  }

  private Found findPods(RecordRequest r, Name zone) {
    if (config.podMode() == PodMode.DISABLED) {
      return Found.NAME_ERROR;
    }
    String podName = r.service();
    if (podName.isEmpty()) {
      return Found.EMPTY;
    }
    if (!r.endpoint().isEmpty() || !r.port().isEmpty()) {
      // CoreDNS matches pods on the pod label only; longer names under a pod do not exist.
      return Found.NAME_ERROR;
    }
    InetAddress ip = podAddress(podName);
    if (ip == null) {
      return Found.NAME_ERROR;
    }
    Target target = new Target(podName, r.namespace() + "." + RecordRequest.POD, zone);
    if (config.podMode() == PodMode.VERIFIED) {
      boolean found = false;
      for (ClusterIndex.PodRef pod : index.podsWithAddress(ip)) {
        found |= pod.namespace().equals(r.namespace());
      }
      if (!found) {
        return Found.NAME_ERROR;
      }
    }
    return new Found(List.of(new Entry(ip, null, ServicePort.NONE, target)), false);
  }

  /** {@code 10-244-1-7} → 10.244.1.7; {@code fd00--7} → fd00::7, as CoreDNS's pod names read; null otherwise. */
  static InetAddress podAddress(String podName) {
    long dashes = podName.chars().filter(c -> c == '-').count();
    String text =
        dashes == 3 && !podName.contains("--") ? podName.replace('-', '.') : podName.replace('-', ':');
    try {
      return Names.parseAddressLiteral(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * CoreDNS's {@code serviceRecordForIP}: the Service with this cluster IP, else every endpoint
   * with this address, named under the primary zone.
   */
  List<Name> reverse(InetAddress ip) {
    ServiceView service = index.serviceWithClusterIp(ip);
    if (service != null && index.reverseAnswers(service.namespace())) {
      return List.of(child(config.primaryZone(), service.name(), service.namespace(), RecordRequest.SVC));
    }
    Set<Name> names = new LinkedHashSet<>();
    for (ClusterIndex.ReverseEndpoint endpoint : index.endpointsWithAddress(ip)) {
      if (!index.reverseAnswers(endpoint.namespace())) {
        continue;
      }
      names.add(
          prefixed(
              endpoint.label(),
              child(config.primaryZone(), endpoint.serviceName(), endpoint.namespace(), RecordRequest.SVC)));
    }
    return List.copyOf(names);
  }

  /**
   * CoreDNS's {@code nsAddrs}: the names and addresses of this DNS server. When one of its own
   * addresses is an endpoint of a Service (kube-dns), that Service's cluster IPs (or, headless,
   * endpoints); otherwise {@code ns.dns.ZONE} with the server's own addresses.
   */
  List<Entry> nameServers(Name zone) {
    List<Entry> entries = new ArrayList<>();
    boolean foundEndpoint = false;
    for (InetAddress local : localAddresses) {
      for (ClusterIndex.ReverseEndpoint endpoint : index.endpointsWithAddress(local)) {
        foundEndpoint = true;
        ServiceView service = index.service(endpoint.namespace(), endpoint.serviceName());
        if (service == null) {
          continue;
        }
        Target serviceName = serviceTarget(service, zone);
        if (service.kind() == ServiceView.Kind.HEADLESS) {
          for (EndpointAddress address : endpoint.slice().addresses()) {
            entries.add(
                new Entry(
                    address.address(), null, ServicePort.NONE, serviceName.under(address.label())));
          }
        } else {
          for (InetAddress ip : service.clusterIps()) {
            entries.add(new Entry(ip, null, ServicePort.NONE, serviceName));
          }
        }
      }
    }
    if (!foundEndpoint) {
      Target ns = new Target("ns", "dns", zone);
      for (InetAddress local : localAddresses) {
        entries.add(new Entry(local, null, ServicePort.NONE, ns));
      }
    }
    return entries;
  }

  private static final Name IN_ADDR_ARPA = Name.fromConstantString("in-addr.arpa.");
  private static final Name IP6_ARPA = Name.fromConstantString("ip6.arpa.");

  private static boolean isReverse(Name zone) {
    return zone.subdomain(IN_ADDR_ARPA) || zone.subdomain(IP6_ARPA);
  }

  /** The address family check used by A and AAAA answers. */
  static boolean isV4(InetAddress address) {
    return address instanceof Inet4Address;
  }

  /** The address a full reverse name stands for, or {@code null} for partial or other names. */
  static InetAddress addressOfReverse(Name name) {
    String text = Names.lowerCase(name);
    String[] labels = text.substring(0, text.length() - 1).split("\\.");
    try {
      if (text.endsWith(".in-addr.arpa.") && labels.length == 6) {
        return Names.parseAddressLiteral(labels[3] + "." + labels[2] + "." + labels[1] + "." + labels[0]);
      }
      if (text.endsWith(".ip6.arpa.") && labels.length == 34) {
        StringBuilder hex = new StringBuilder(39);
        for (int i = 31; i >= 0; i--) {
          if (labels[i].length() != 1) {
            return null;
          }
          hex.append(labels[i]);
          if (i % 4 == 0 && i > 0) {
            hex.append(':');
          }
        }
        InetAddress address = Names.parseAddressLiteral(hex.toString());
        return ReverseMap.fromAddress(address).equals(name) ? address : null;
      }
    } catch (IllegalArgumentException e) {
      return null;
    }
    return null;
  }

  /** {@code a.b.c.zone}. */
  static Name child(Name zone, String a, String b, String c) {
    return prefixed(a, prefixed(b, prefixed(c, zone)));
  }

  static Name prefixed(String label, Name parent) {
    try {
      return Name.concatenate(Name.fromString(label), parent);
    } catch (TextParseException | org.xbill.DNS.NameTooLongException e) {
      throw new IllegalArgumentException("not a valid name: " + label + "." + parent, e);
    }
  }
}
