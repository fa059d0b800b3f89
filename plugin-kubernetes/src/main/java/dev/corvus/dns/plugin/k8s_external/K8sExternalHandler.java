package dev.corvus.dns.plugin.k8s_external;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.plugin.Resolver;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
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
 * the endpoints of headless Services, as CoreDNS's {@code k8s_external}. A LoadBalancer ingress
 * host name answers A and AAAA with a CNAME to it followed by its addresses, asked through the
 * server ({@link Resolver}, CoreDNS's upstream lookup), and is the target of the SRV records, its
 * addresses in the additional section.
 */
final class K8sExternalHandler implements Handler {

  private final K8sExternalConfig config;
  private final Resolver resolver;
  private volatile ClusterDns cluster;

  K8sExternalHandler(K8sExternalConfig config, Resolver resolver) {
    this.config = config;
    this.resolver = resolver;
  }

  void cluster(ClusterDns cluster) {
    this.cluster = cluster;
  }

  /**
   * A found address, or LoadBalancer host name ({@code address} then {@code null}), with its port
   * and SRV target (the host name itself for a host name).
   */
  private record Entry(InetAddress address, Name host, int port, Name target) {}

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
    List<CompletableFuture<Part>> parts =
        switch (request.qtype()) {
          case Type.A, Type.AAAA -> addresses(chain, qname, request.qtype(), entries, data.ttl());
          case Type.SRV -> srv(chain, qname, entries, data.ttl());
          default -> List.of();
        };
    if (parts.stream().allMatch(CompletableFuture::isDone)) {
      return Responses.completed(assemble(response, parts, zone));
    }
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
        .thenApply(done -> assemble(response, parts, zone));
  }

  /**
   * Records for a section of the response, and whether they came from a truncated answer; a host
   * name's addresses are parts that complete when the server answered them.
   */
  private record Part(int section, List<Record> records, boolean truncated) {
    static CompletableFuture<Part> of(int section, Record record) {
      return CompletableFuture.completedFuture(new Part(section, List.of(record), false));
    }
  }

  private Message assemble(Message response, List<CompletableFuture<Part>> parts, Name zone) {
    for (CompletableFuture<Part> future : parts) {
      Part part = future.join();
      for (Record record : part.records()) {
        response.addRecord(record, part.section());
      }
      if (part.truncated()) {
        response.getHeader().setFlag(Flags.TC);
      }
    }
    if (response.getSection(Section.ANSWER).isEmpty()) {
      response.addRecord(soa(zone), Section.AUTHORITY);
    }
    return response;
  }

  /**
   * CoreDNS's {@code a}/{@code aaaa}: each address of the family once; for each host name a CNAME
   * (with the {@code kubernetes} TTL, as CoreDNS builds it from the service data) followed by the
   * answer of the server itself for the host name and type, TC kept when that answer had it.
   */
  private List<CompletableFuture<Part>> addresses(
      Chain chain, Name qname, int qtype, List<Entry> entries, long clusterTtl) {
    List<CompletableFuture<Part>> parts = new ArrayList<>();
    Set<InetAddress> seen = new HashSet<>();
    Set<Name> seenHosts = new HashSet<>();
    for (Entry entry : entries) {
      if (entry.host() != null) {
        // CoreDNS repeats the CNAME (and the lookup) for every port; one of a kind is enough.
        if (seenHosts.add(entry.host())) {
          parts.add(Part.of(Section.ANSWER, new CNAMERecord(qname, DClass.IN, clusterTtl, entry.host())));
          parts.add(lookup(chain, entry.host(), qtype).thenApply(answer -> answer == null
              ? new Part(Section.ANSWER, List.of(), false)
              : new Part(Section.ANSWER, answer.getSection(Section.ANSWER), answer.getHeader().getFlag(Flags.TC))));
        }
        continue;
      }
      boolean v4 = entry.address() instanceof Inet4Address;
      if (v4 == (qtype == Type.A) && seen.add(entry.address())) {
        parts.add(Part.of(Section.ANSWER, address(qname, entry.address())));
      }
    }
    return parts;
  }

  /**
   * The server's answer for {@code host}, or {@code null} when it is not asked: while explaining
   * (that would be a real query: cached, counted, logged), and for a name under this plugin's own
   * zones, which could only come back here (CoreDNS asks, and recurses without end when the name
   * leads back to itself).
   */
  private CompletableFuture<Message> lookup(Chain chain, Name host, int qtype) {
    if (chain.explaining()) {
      chain.note("the addresses of " + host + " are asked through the server when answering");
      return CompletableFuture.completedFuture(null);
    }
    if (Names.longestMatch(host, config.zones()) != null) {
      return CompletableFuture.completedFuture(null);
    }
    Message query = Message.newQuery(Record.newRecord(host, qtype, DClass.IN));
    query.getHeader().setFlag(Flags.RD);
    return resolver.resolve(query).toCompletableFuture().handle((answer, failure) -> failure == null ? answer : null);
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
        && !service.hasExternalAddresses()
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
          entries.add(new Entry(ip, null, p.port(), serviceTarget));
        }
      }
    }
    for (Name host : service.externalHosts()) {
      for (ServicePort p : service.ports()) {
        if (p.matches(port, protocol)) {
          entries.add(new Entry(null, host, p.port(), host));
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
        entries.add(new Entry(address.address(), null, p.port(), name(address.label(), serviceTarget)));
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
    for (Name host : service.externalHosts()) {
      ips.add(host.toString());
    }
    return "service " + namespace + "/" + name + " (external IPs and LoadBalancer ingress: "
        + (ips.isEmpty() ? "none" : String.join(", ", ips)) + (config.headless() ? "; headless endpoints answered" : "") + ")";
  }

  /**
   * CoreDNS's {@code srv}: one SRV per target and port (with the {@code kubernetes} TTL, as
   * CoreDNS builds it from the service data), weights shared out over all entries; the target's
   * address once in the additional section, or for a host name the server's A and AAAA answers
   * for it.
   */
  private List<CompletableFuture<Part>> srv(Chain chain, Name qname, List<Entry> entries, long clusterTtl) {
    int weight = Math.max(1, (int) Math.floor(100.0 / entries.size()));
    List<CompletableFuture<Part>> parts = new ArrayList<>();
    Set<String> seenSrv = new HashSet<>();
    Set<String> seenAddress = new HashSet<>();
    for (Entry entry : entries) {
      if (entry.port() == ServicePort.NONE) {
        continue;
      }
      String key = entry.target().toString().toLowerCase(Locale.ROOT);
      if (seenSrv.add(key + " " + entry.port())) {
        parts.add(Part.of(Section.ANSWER,
            new SRVRecord(qname, DClass.IN, clusterTtl, 0, weight, entry.port(), entry.target())));
      }
      if (entry.host() != null) {
        if (seenAddress.add(key + " host")) {
          for (int type : new int[] {Type.A, Type.AAAA}) {
            parts.add(lookup(chain, entry.host(), type).thenApply(answer -> new Part(Section.ADDITIONAL,
                answer == null ? List.of() : answer.getSection(Section.ANSWER), false)));
          }
        }
      } else if (seenAddress.add(key + " " + entry.address().getHostAddress())) {
        parts.add(Part.of(Section.ADDITIONAL, address(entry.target(), entry.address())));
      }
    }
    return parts;
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
