package dev.corvus.dns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.Fallthrough;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.Poll;
import dev.corvus.dns.testkit.peers.Nsd;
import dev.corvus.dns.testkit.peers.Peers;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferIn;

/**
 * {@code transfer} of {@code kubernetes} zones: CoreDNS's xfr_test.go fixtures written to fabric8's
 * mock API server (CRUD mode, real watches), transferred over TCP to dnsjava's {@link
 * ZoneTransferIn}, dig and kdig, record for record as CoreDNS's {@code TestKubernetesAXFR} expects.
 */
class KubernetesTransferTest {

  /**
   * CoreDNS's {@code expectedZone}, in order; the name server's address is the one the server
   * binds (127.0.0.1) where the Go test sets its local IP to 10.0.0.10.
   */
  static final String EXPECTED_ZONE = """
      cluster.local.	5	IN	SOA	ns.dns.cluster.local. hostmaster.cluster.local. 3 7200 1800 86400 5
      cluster.local.	5	IN	NS	ns.dns.cluster.local.
      ns.dns.cluster.local.	5	IN	A	127.0.0.1
      external.testns.svc.cluster.local.	5	IN	CNAME	ext.interwebs.test.
      external-to-service.testns.svc.cluster.local.	5	IN	CNAME	svc1.testns.svc.cluster.local.
      hdls1.testns.svc.cluster.local.	5	IN	A	172.0.0.2
      172-0-0-2.hdls1.testns.svc.cluster.local.	5	IN	A	172.0.0.2
      _http._tcp.hdls1.testns.svc.cluster.local.	5	IN	SRV	0 16 80 172-0-0-2.hdls1.testns.svc.cluster.local.
      hdls1.testns.svc.cluster.local.	5	IN	A	172.0.0.3
      172-0-0-3.hdls1.testns.svc.cluster.local.	5	IN	A	172.0.0.3
      _http._tcp.hdls1.testns.svc.cluster.local.	5	IN	SRV	0 16 80 172-0-0-3.hdls1.testns.svc.cluster.local.
      hdls1.testns.svc.cluster.local.	5	IN	A	172.0.0.4
      dup-name.hdls1.testns.svc.cluster.local.	5	IN	A	172.0.0.4
      _http._tcp.hdls1.testns.svc.cluster.local.	5	IN	SRV	0 16 80 dup-name.hdls1.testns.svc.cluster.local.
      hdls1.testns.svc.cluster.local.	5	IN	A	172.0.0.5
      dup-name.hdls1.testns.svc.cluster.local.	5	IN	A	172.0.0.5
      _http._tcp.hdls1.testns.svc.cluster.local.	5	IN	SRV	0 16 80 dup-name.hdls1.testns.svc.cluster.local.
      hdls1.testns.svc.cluster.local.	5	IN	AAAA	5678:abcd::1
      5678-abcd--1.hdls1.testns.svc.cluster.local.	5	IN	AAAA	5678:abcd::1
      _http._tcp.hdls1.testns.svc.cluster.local.	5	IN	SRV	0 16 80 5678-abcd--1.hdls1.testns.svc.cluster.local.
      hdls1.testns.svc.cluster.local.	5	IN	AAAA	5678:abcd::2
      5678-abcd--2.hdls1.testns.svc.cluster.local.	5	IN	AAAA	5678:abcd::2
      _http._tcp.hdls1.testns.svc.cluster.local.	5	IN	SRV	0 16 80 5678-abcd--2.hdls1.testns.svc.cluster.local.
      hdlsprtls.testns.svc.cluster.local.	5	IN	A	172.0.0.20
      172-0-0-20.hdlsprtls.testns.svc.cluster.local.	5	IN	A	172.0.0.20
      kubedns.kube-system.svc.cluster.local.	5	IN	A	10.0.0.10
      kubedns.kube-system.svc.cluster.local.	5	IN	SRV	0 100 53 kubedns.kube-system.svc.cluster.local.
      _dns._udp.kubedns.kube-system.svc.cluster.local.	5	IN	SRV	0 100 53 kubedns.kube-system.svc.cluster.local.
      svc-dual-stack.testns.svc.cluster.local.	5	IN	A	10.0.0.3
      svc-dual-stack.testns.svc.cluster.local.	5	IN	AAAA	10::3
      svc-dual-stack.testns.svc.cluster.local.	5	IN	SRV	0 100 80 svc-dual-stack.testns.svc.cluster.local.
      _http._tcp.svc-dual-stack.testns.svc.cluster.local.	5	IN	SRV	0 100 80 svc-dual-stack.testns.svc.cluster.local.
      svc1.testns.svc.cluster.local.	5	IN	A	10.0.0.1
      svc1.testns.svc.cluster.local.	5	IN	SRV	0 100 80 svc1.testns.svc.cluster.local.
      _http._tcp.svc1.testns.svc.cluster.local.	5	IN	SRV	0 100 80 svc1.testns.svc.cluster.local.
      svc6.testns.svc.cluster.local.	5	IN	AAAA	1234:abcd::1
      svc6.testns.svc.cluster.local.	5	IN	SRV	0 100 80 svc6.testns.svc.cluster.local.
      _http._tcp.svc6.testns.svc.cluster.local.	5	IN	SRV	0 100 80 svc6.testns.svc.cluster.local.
      svcempty.testns.svc.cluster.local.	5	IN	A	10.0.0.1
      svcempty.testns.svc.cluster.local.	5	IN	SRV	0 100 80 svcempty.testns.svc.cluster.local.
      _http._tcp.svcempty.testns.svc.cluster.local.	5	IN	SRV	0 100 80 svcempty.testns.svc.cluster.local.
      cluster.local.	5	IN	SOA	ns.dns.cluster.local. hostmaster.cluster.local. 3 7200 1800 86400 5
      """;

  private static final Name ZONE = Name.fromConstantString("cluster.local.");

  /** CoreDNS's APIConnServeTest Services and endpoints (handler_test.go), as the API holds them. */
  static void populate(KubernetesClient client) {
    Fixtures.namespace(client, "testns", Map.of());
    Fixtures.namespace(client, "kube-system", Map.of());
    Fixtures.namespace(client, "unexposedns", Map.of());
    Fixtures.Port http = Fixtures.port("http", "TCP", 80);
    Fixtures.create(client, Fixtures.clusterIp("kube-system", "kubedns", List.of("10.0.0.10"), Map.of(),
        Fixtures.port("dns", "UDP", 53)));
    Fixtures.create(client, Fixtures.slice("kube-system", "kubedns", "kubedns", "IPv4",
        List.of(Fixtures.port("dns", "UDP", 53)), Fixtures.ep("172.0.0.100", null, null, true)));
    Fixtures.create(client, Fixtures.clusterIp("testns", "svc1", List.of("10.0.0.1"), Map.of(), http));
    Fixtures.create(client, Fixtures.slice("testns", "svc1", "svc1-slice1", "IPv4", List.of(http),
        Fixtures.ep("172.0.0.1", "ep1a", null, true)));
    Fixtures.create(client, Fixtures.clusterIp("testns", "svcempty", List.of("10.0.0.1"), Map.of(), http));
    Fixtures.create(client, Fixtures.slice("testns", "svcempty", "svcempty-slice1", "IPv4", List.of(http)));
    Fixtures.create(client, Fixtures.clusterIp("testns", "svc6", List.of("1234:abcd::1"), Map.of(), http));
    Fixtures.create(client, Fixtures.headless("testns", "hdls1", http));
    Fixtures.create(client, Fixtures.slice("testns", "hdls1", "hdls1-slice1-ipv4", "IPv4", List.of(http),
        Fixtures.ep("172.0.0.2", null, null, true),
        Fixtures.ep("172.0.0.3", null, null, true),
        Fixtures.ep("172.0.0.4", "dup-name", null, true),
        Fixtures.ep("172.0.0.5", "dup-name", null, true)));
    Fixtures.create(client, Fixtures.slice("testns", "hdls1", "hdls1-slice1-ipv6", "IPv6", List.of(http),
        Fixtures.ep("5678:abcd::1", null, null, true),
        Fixtures.ep("5678:abcd::2", null, null, true)));
    Fixtures.create(client, Fixtures.externalName("testns", "external", "ext.interwebs.test"));
    Fixtures.create(client, Fixtures.externalName("testns", "external-to-service", "svc1.testns.svc.cluster.local."));
    Fixtures.create(client, Fixtures.headless("testns", "hdlsprtls"));
    Fixtures.create(client, Fixtures.slice("testns", "hdlsprtls", "hdlsprtls-slice1", "IPv4", List.of(),
        Fixtures.ep("172.0.0.20", null, null, true)));
    Fixtures.create(client, Fixtures.clusterIp("unexposedns", "svc1", List.of("10.0.0.2"), Map.of(), http));
    Fixtures.create(client, Fixtures.clusterIp("testns", "svc-dual-stack", List.of("10.0.0.3", "10::3"), Map.of(),
        http));
  }

  private static Corvus start(MockApiServer api, String transfer) throws Exception {
    return Corvus.builder()
        .corefile("cluster.local:0 {\n  bind 127.0.0.1\n  kubernetes {\n    endpoint " + api.url()
            + "\n    namespaces testns kube-system\n  }\n" + transfer + "}\n")
        .dnsPort(0)
        .start();
  }

  static List<Record> parse(String zone) throws IOException {
    List<Record> records = new ArrayList<>();
    try (Master master = new Master(new ByteArrayInputStream(zone.getBytes(StandardCharsets.UTF_8)))) {
      for (Record r = master.nextRecord(); r != null; r = master.nextRecord()) {
        records.add(r);
      }
    }
    return records;
  }

  /** Record for record, in order, TTLs included; of a SOA only the names (its serial is a time). */
  static void assertZone(List<Record> expected, List<Record> actual) {
    assertEquals(expected.size(), actual.size(), "records: " + actual);
    for (int i = 0; i < expected.size(); i++) {
      Record want = expected.get(i);
      Record got = actual.get(i);
      if (want instanceof SOARecord soa) {
        assertTrue(got instanceof SOARecord, "record " + i + ": " + got);
        SOARecord gotSoa = (SOARecord) got;
        assertEquals(soa.getName(), gotSoa.getName());
        assertEquals(soa.getHost(), gotSoa.getHost());
        assertEquals(soa.getAdmin(), gotSoa.getAdmin());
      } else {
        assertEquals(want, got, "record " + i);
        assertEquals(want.getTTL(), got.getTTL(), "TTL of record " + i + ": " + got);
      }
    }
  }

  private static List<Record> axfr(Corvus server) throws Exception {
    ZoneTransferIn xfr = ZoneTransferIn.newAXFR(ZONE, server.tcpAddress(), null);
    xfr.run();
    return xfr.getAXFR();
  }

  @Test
  void axfrOfTheClusterZoneIsCoreDnsExpectedZone() throws Exception {
    try (MockApiServer api = new MockApiServer()) {
      populate(api.client());
      try (Corvus server = start(api, "  transfer {\n    to *\n  }\n")) {
        List<Record> expected = parse(EXPECTED_ZONE);
        List<Record> records = axfr(server);
        assertZone(expected, records);

        // IXFR: the current serial gets the SOA alone, an older one the whole zone (CoreDNS's fallback)
        long serial = ((SOARecord) records.get(0)).getSerial();
        ZoneTransferIn current = ZoneTransferIn.newIXFR(ZONE, serial, false, server.tcpAddress(), null);
        current.run();
        assertTrue(current.isCurrent(), "IXFR with the current serial " + serial);
        ZoneTransferIn older = ZoneTransferIn.newIXFR(ZONE, 1, false, server.tcpAddress(), null);
        older.run();
        assertTrue(older.isAXFR(), "IXFR from serial 1 falls back to AXFR");
        assertZone(expected, older.getAXFR());

        int port = server.tcpAddress().getPort();
        String dig = Peers.require("dig", "dnsutils");
        Peers.Output out = Peers.run(dig, "@127.0.0.1", "-p", String.valueOf(port), "cluster.local.", "AXFR", "+nocmd",
            "+nocomments", "+nostats");
        System.out.println("dig AXFR cluster.local:\n" + out.text());
        assertEquals(0, out.exitCode(), out.text());
        assertZone(expected, parse(out.text()));

        String kdig = Peers.require("kdig", "knot-dnsutils");
        out = Peers.run(kdig, "@127.0.0.1", "-p", String.valueOf(port), "cluster.local.", "AXFR", "+nocomments",
            "+nostats");
        System.out.println("kdig AXFR cluster.local:\n" + out.text());
        assertEquals(0, out.exitCode(), out.text());
        assertZone(expected, parse(out.text()));

        // over UDP a transfer is refused (RFC 5936 §4.2), as CoreDNS does
        DnsClient client = new DnsClient(server.udpAddress(), Duration.ofSeconds(5));
        assertEquals(Rcode.REFUSED, client.udp("cluster.local.", Type.AXFR).getRcode());
        // a zone the block does not serve is not transferred
        Message other = client.tcp("example.com.", Type.AXFR);
        assertTrue(other.getRcode() != Rcode.NOERROR, "AXFR example.com. answered " + Rcode.string(other.getRcode()));
      }
    }
  }

  @Test
  void aChangedServiceIsInTheNextTransfer() throws Exception {
    try (MockApiServer api = new MockApiServer()) {
      populate(api.client());
      try (Corvus server = start(api, "  transfer {\n    to *\n  }\n")) {
        List<Record> before = axfr(server);
        Fixtures.create(api.client(), Fixtures.clusterIp("testns", "added", List.of("10.0.0.99"), Map.of(),
            Fixtures.port("http", "TCP", 80)));
        Name added = Name.fromString("added.testns.svc.cluster.local.");
        List<List<Record>> last = new ArrayList<>();
        assertTrue(Poll.until(Duration.ofSeconds(10), () -> {
          try {
            List<Record> records = axfr(server);
            last.add(0, records);
            return records.stream().anyMatch(r -> r.getName().equals(added) && r.getType() == Type.A);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }), "the new Service is transferred");
        // its A record and two SRV records, first of all Services ("added" sorts first)
        assertEquals(before.size() + 3, last.get(0).size(), last.get(0).toString());
        Record first = last.get(0).get(3);
        assertEquals(added, first.getName(), "Services are sent by name: " + last.get(0));
        assertEquals(Set.of(Type.SOA), Set.of(last.get(0).get(last.get(0).size() - 1).getType()));
      }
    }
  }

  @Test
  void withoutTransferTheZoneIsRefused() throws Exception {
    try (MockApiServer api = new MockApiServer()) {
      populate(api.client());
      try (Corvus server = start(api, "")) {
        DnsClient client = new DnsClient(server.udpAddress(), Duration.ofSeconds(5));
        assertEquals(Rcode.REFUSED, client.tcp("cluster.local.", Type.AXFR).getRcode());
      }
    }
  }

  /**
   * The snapshot of a 10,000-Service cluster (a third of them headless with three endpoints) is
   * built off the I/O thread; this measures how long a build takes and checks its size.
   */
  @Test
  void tenThousandServicesBuildOffTheIoThread() throws Exception {
    KubernetesConfig config = new KubernetesConfig(List.of(ZONE), ZONE, new KubernetesConfig.OfflineDirectory(Path.of(".")),
        Set.of(), null, null, PodMode.DISABLED, false, 5, false, Fallthrough.NONE, false, Duration.ofSeconds(5));
    ClusterIndex index = new ClusterIndex(Clock.systemUTC(), Set.of());
    index.putNamespace("ns");
    List<ServicePort> http = List.of(new ServicePort("http", "tcp", 80));
    int expected = 3; // SOA, NS, its address
    for (int i = 0; i < 10_000; i++) {
      String name = "svc-" + i;
      if (i % 3 == 0) {
        index.putService(new ServiceView("ns", name, ServiceView.Kind.HEADLESS, List.of(), http, null, List.of(), List.of(), true));
        List<EndpointAddress> addresses = new ArrayList<>();
        for (int e = 0; e < 3; e++) {
          addresses.add(new EndpointAddress(
              java.net.InetAddress.getByAddress(new byte[] {10, (byte) (i >> 8), (byte) i, (byte) e}), null));
        }
        index.putSlice(new EndpointSliceView("ns", name + "-a", name, http, addresses));
        expected += 3 * 3;
      } else {
        index.putService(new ServiceView("ns", name, ServiceView.Kind.CLUSTER_IP,
            List.of(java.net.InetAddress.getByAddress(new byte[] {(byte) 172, 16, (byte) (i >> 8), (byte) i})), http,
            null, List.of(), List.of(), true));
        expected += 3;
      }
    }
    RecordFinder finder = new RecordFinder(config, index);
    finder.localAddresses(List.of(java.net.InetAddress.getLoopbackAddress()));
    try (KubernetesZones zones = new KubernetesZones(config, index, finder, () -> true)) {
      for (int round = 0; round < 3; round++) {
        index.putNamespace("ns-" + round); // a change: the next snapshot is built again
        long start = System.nanoTime();
        String[] builtOn = new String[1];
        List<Record> records = zones.snapshot(ZONE).thenApply(found -> {
          builtOn[0] = Thread.currentThread().getName();
          return found.orElseThrow();
        }).toCompletableFuture().get(30, TimeUnit.SECONDS);
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("kubernetes transfer: snapshot of 10,000 Services, " + records.size() + " records, built in "
            + millis + " ms on " + builtOn[0]);
        assertEquals(expected, records.size());
        assertEquals("kubernetes-transfer", builtOn[0]);
      }
      // unchanged: the snapshot is reused at once, on the caller's thread
      assertTrue(zones.snapshot(ZONE).toCompletableFuture().isDone());
    }
  }

  /** NSD as a secondary of the cluster zone: it transfers it and answers from its copy. */
  @Test
  void nsdServesACopyOfTheClusterZone(@TempDir Path dir) throws Exception {
    try (MockApiServer api = new MockApiServer()) {
      populate(api.client());
      try (Corvus server = start(api, "  transfer {\n    to *\n  }\n");
          Nsd nsd = Nsd.start(dir, Peers.freePort(), """
              zone:
                name: cluster.local
                zonefile: cluster.local.zone
                request-xfr: AXFR 127.0.0.1@%d NOKEY
              """.formatted(server.tcpAddress().getPort()))) {
        DnsClient primary = new DnsClient(server.udpAddress(), Duration.ofSeconds(5));
        long serial = ((SOARecord) primary.udp("cluster.local.", Type.SOA).getSection(Section.ANSWER).get(0))
            .getSerial();
        DnsClient secondary = nsd.client();
        assertTrue(Poll.until(Duration.ofSeconds(20), () -> serialOf(secondary) == serial),
            "NSD did not transfer cluster.local serial " + serial + ": " + nsd.log());
        assertEquals(List.of("10.0.0.1"),
            Dns.rdata(secondary.udp("svc1.testns.svc.cluster.local.", Type.A)));
        assertEquals(List.of("ext.interwebs.test."),
            Dns.rdata(secondary.udp("external.testns.svc.cluster.local.", Type.CNAME)));
        List<String> srv = new ArrayList<>(Dns.rdata(secondary.udp("_http._tcp.hdls1.testns.svc.cluster.local.",
            Type.SRV)));
        java.util.Collections.sort(srv);
        // the two dup-name records of the transfer are one record of the RRset in NSD's copy
        assertEquals(List.of(
            "0 16 80 172-0-0-2.hdls1.testns.svc.cluster.local.",
            "0 16 80 172-0-0-3.hdls1.testns.svc.cluster.local.",
            "0 16 80 5678-abcd--1.hdls1.testns.svc.cluster.local.",
            "0 16 80 5678-abcd--2.hdls1.testns.svc.cluster.local.",
            "0 16 80 dup-name.hdls1.testns.svc.cluster.local."), srv);
        System.out.println("NSD log:\n" + nsd.log());
      }
    }
  }

  private static long serialOf(DnsClient client) {
    try {
      List<Record> soa = client.udp("cluster.local.", Type.SOA).getSection(Section.ANSWER);
      return soa.isEmpty() ? -1 : ((SOARecord) soa.get(0)).getSerial();
    } catch (IOException e) {
      return -1;
    }
  }
}
