package dev.corvus.dns.plugin.k8s_external;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.plugin.kubernetes.ClusterDns;
import dev.corvus.dns.plugin.kubernetes.EndpointAddress;
import dev.corvus.dns.plugin.kubernetes.EndpointSliceView;
import dev.corvus.dns.plugin.kubernetes.ServiceEndpoints;
import dev.corvus.dns.plugin.kubernetes.ServicePort;
import dev.corvus.dns.plugin.kubernetes.ServiceView;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Answers {@code service.namespace.ZONE} with a Service's external IPs (and LoadBalancer ingress
 * IPs), {@code _port._proto.service.namespace.ZONE} with SRV records, and with {@code headless}
 * the endpoints of headless Services, as CoreDNS's {@code k8s_external}.
 */
final class K8sExternalHandler implements Handler {

  private final K8sExternalConfig config;
  private volatile ClusterDns cluster;

  K8sExternalHandler(K8sExternalConfig config) {
    this.config = config;
  }

  void cluster(ClusterDns cluster) {
    this.cluster = cluster;
  }

  /** A found address with its port and SRV target. */
  private record Entry(InetAddress address, int port, Name target) {}

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    Name qname = request.qname();
    Name matched = Names.longestMatch(qname, config.zones());
    ClusterDns data = cluster;
    if (matched == null || data == null) {
      return chain.proceed(request);
    }
    Name zone = new Name(qname, qname.labels() - matched.labels());
    String[] labels = new String[qname.labels() - matched.labels()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = qname.getLabelString(i).toLowerCase(Locale.ROOT);
    }
    if (labels.length == 0) {
      return Responses.completed(apex(request, zone));
    }
    if (labels[labels.length - 1].equals(config.apex())) {
      // The apex label holds the name server's names; CoreDNS answers NODATA for the empty
      // non-terminal and for ns1, and NXDOMAIN below.
      boolean exists = labels.length == 1 || (labels.length == 2 && labels[0].equals("ns1"));
      return Responses.completed(negative(request, zone, exists ? Rcode.NOERROR : Rcode.NXDOMAIN));
    }
    List<Entry> entries = new ArrayList<>();
    int rcode = lookup(data, labels, zone, entries);
    if (chain.explaining()) {
      chain.note(describe(data, labels) + ": " + entries.size() + " external addresses and ports");
    }
    if (entries.isEmpty()) {
      if (rcode == Rcode.NXDOMAIN && config.fallthrough().covers(qname)) {
        if (chain.explaining()) {
          chain.note("fallthrough: passed on");
        }
        return chain.proceed(request);
      }
      return Responses.completed(negative(request, zone, rcode));
    }
    Message response = Responses.answer(request);
    switch (request.qtype()) {
      case Type.A, Type.AAAA -> {
        Set<InetAddress> seen = new HashSet<>();
        for (Entry entry : entries) {
          boolean v4 = entry.address() instanceof Inet4Address;
          if (v4 == (request.qtype() == Type.A) && seen.add(entry.address())) {
            response.addRecord(address(qname, entry.address()), Section.ANSWER);
          }
        }
      }
      case Type.SRV -> srv(response, qname, entries);
      default -> {}
    }
    if (response.getSection(Section.ANSWER).isEmpty()) {
      response.addRecord(soa(zone), Section.AUTHORITY);
    }
    return Responses.completed(response);
  }

  /** CoreDNS's {@code External}: fills {@code entries} and returns the rcode of a miss. */
  private int lookup(ClusterDns data, String[] labels, Name zone, List<Entry> entries) {
    int last = labels.length - 1;
    String namespace = labels[last];
    if (!data.namespaceExposed(namespace)) {
      return Rcode.NXDOMAIN;
    }
    if (last == 0) {
      return Rcode.NOERROR;
    }
    String serviceName = labels[last - 1];
    String endpoint = "";
    String port = "";
    String protocol = "";
    switch (last - 1) {
      case 0 -> {}
      case 1 -> endpoint = strip(labels[0]);
      case 2 -> {
        port = strip(labels[0]);
        protocol = strip(labels[1]);
      }
      default -> {
        return Rcode.NXDOMAIN;
      }
    }
    ServiceView service = data.service(namespace, serviceName);
    if (service == null) {
      return Rcode.NXDOMAIN;
    }
    Name serviceTarget = name(service.name(), name(service.namespace(), zone));
    if (config.headless()
        && service.externalIps().isEmpty()
        && (service.kind() == ServiceView.Kind.HEADLESS || !endpoint.isEmpty())) {
      if (!endpoint.isEmpty()) {
        for (ServiceEndpoints.Member member : data.endpointsLabelled(service, endpoint)) {
          addEndpoint(member.address(), member.ports(), port, protocol, serviceTarget, entries);
        }
        return Rcode.NXDOMAIN;
      }
      for (EndpointSliceView slice : data.endpoints(service).sliceViews()) {
        for (EndpointAddress address : slice.addresses()) {
          addEndpoint(address, slice.ports(), port, protocol, serviceTarget, entries);
        }
      }
      return Rcode.NXDOMAIN;
    }
    for (InetAddress ip : service.externalIps()) {
      for (ServicePort p : service.ports()) {
        if (p.matches(port, protocol)) {
          entries.add(new Entry(ip, p.port(), serviceTarget));
        }
      }
    }
    return Rcode.NXDOMAIN;
  }

  private static void addEndpoint(
      EndpointAddress address,
      List<ServicePort> ports,
      String port,
      String protocol,
      Name serviceTarget,
      List<Entry> entries) {
    for (ServicePort p : ports) {
      if (p.matches(port, protocol)) {
        entries.add(new Entry(address.address(), p.port(), name(address.label(), serviceTarget)));
      }
    }
  }

  /** For explanations: the Service behind {@code labels} and its external addresses. */
  private String describe(ClusterDns data, String[] labels) {
    String namespace = labels[labels.length - 1];
    if (!data.namespaceExposed(namespace)) {
      return "namespace " + namespace + " does not exist";
    }
    if (labels.length == 1) {
      return "namespace " + namespace;
    }
    String name = labels[labels.length - 2];
    ServiceView service = data.service(namespace, name);
    if (service == null) {
      return "no service " + name + " in namespace " + namespace;
    }
    List<String> ips = new ArrayList<>();
    for (InetAddress ip : service.externalIps()) {
      ips.add(ip.getHostAddress());
    }
    return "service " + namespace + "/" + name + " (external IPs and LoadBalancer ingress: "
        + (ips.isEmpty() ? "none" : String.join(", ", ips)) + (config.headless() ? "; headless endpoints answered" : "") + ")";
  }

  private void srv(Message response, Name qname, List<Entry> entries) {
    int weight = Math.max(1, (int) Math.floor(100.0 / entries.size()));
    Set<String> seenSrv = new HashSet<>();
    Set<String> seenAddress = new HashSet<>();
    for (Entry entry : entries) {
      if (entry.port() == ServicePort.NONE) {
        continue;
      }
      String key = entry.target().toString().toLowerCase(Locale.ROOT);
      if (seenSrv.add(key + " " + entry.port())) {
        response.addRecord(
            new SRVRecord(qname, DClass.IN, config.ttl(), 0, weight, entry.port(), entry.target()),
            Section.ANSWER);
      }
      if (seenAddress.add(key + " " + entry.address().getHostAddress())) {
        response.addRecord(address(entry.target(), entry.address()), Section.ADDITIONAL);
      }
    }
  }

  private Message apex(Request request, Name zone) {
    Message response = Responses.answer(request);
    switch (request.qtype()) {
      case Type.SOA -> response.addRecord(soa(zone), Section.ANSWER);
      case Type.NS ->
          response.addRecord(
              new NSRecord(zone, DClass.IN, config.ttl(), name("ns1", name(config.apex(), zone))),
              Section.ANSWER);
      default -> response.addRecord(soa(zone), Section.AUTHORITY);
    }
    return response;
  }

  private Message negative(Request request, Name zone, int rcode) {
    Message response = Responses.error(request, rcode);
    response.getHeader().setFlag(Flags.AA);
    response.addRecord(soa(zone), Section.AUTHORITY);
    return response;
  }

  /** CoreDNS's k8s_external SOA: {@code ns1.APEX.ZONE. hostmaster.APEX.ZONE.}. */
  private SOARecord soa(Name zone) {
    Name apex = name(config.apex(), zone);
    return new SOARecord(
        zone,
        DClass.IN,
        config.ttl(),
        name("ns1", apex),
        name("hostmaster", apex),
        12345,
        7200,
        1800,
        86400,
        config.ttl());
  }

  private Record address(Name owner, InetAddress address) {
    return address instanceof Inet4Address
        ? new ARecord(owner, DClass.IN, config.ttl(), address)
        : new AAAARecord(owner, DClass.IN, config.ttl(), address);
  }

  private static String strip(String label) {
    return label.startsWith("_") ? label.substring(1) : label;
  }

  private static Name name(String label, Name parent) {
    try {
      return Name.concatenate(Name.fromString(label), parent);
    } catch (TextParseException | NameTooLongException e) {
      throw new IllegalArgumentException("not a valid name: " + label + "." + parent, e);
    }
  }
}
