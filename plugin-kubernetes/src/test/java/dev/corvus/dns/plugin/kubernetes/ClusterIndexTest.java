package dev.corvus.dns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.Names;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Name;

/** The index and the projections behind the answers, without a server. */
class ClusterIndexTest {

  private static InetAddress ip(String text) {
    return Names.parseAddressLiteral(text);
  }

  private final ClusterIndex index = new ClusterIndex(Clock.systemUTC(), Set.of());
  private final Projection projection = new Projection(false);

  @Test
  void slicesOfOneServiceMergeAndMoveBetweenServices() {
    index.putSlice(projection.slice(Fixtures.slice("ns", "a", "s1", "IPv4", List.of(), Fixtures.ep("10.0.0.1", "h1", null, true))));
    index.putSlice(projection.slice(Fixtures.slice("ns", "a", "s2", "IPv4", List.of(), Fixtures.ep("10.0.0.2", null, null, true))));
    index.putService(projection.service(Fixtures.headless("ns", "a")));
    ServiceEndpoints endpoints = index.endpoints(index.service("ns", "a"));
    assertEquals(2, endpoints.addressCount());
    assertEquals(Set.of("h1"), endpoints.named().keySet());
    ServiceView a = index.service("ns", "a");
    assertEquals(ip("10.0.0.1"), index.endpointsLabelled(a, "h1").get(0).address().address());
    assertEquals(ip("10.0.0.2"), index.endpointsLabelled(a, "10-0-0-2").get(0).address().address());
    assertTrue(index.endpointsLabelled(a, "10-0-0-1").isEmpty(), "an endpoint with a hostname is named by it only");
    assertEquals("h1", index.endpointsWithAddress(ip("10.0.0.1")).get(0).label());

    // The same slice relabelled to another Service leaves the first one.
    index.putSlice(projection.slice(Fixtures.slice("ns", "b", "s1", "IPv4", List.of(), Fixtures.ep("10.0.0.3", null, null, true))));
    index.putService(projection.service(Fixtures.headless("ns", "b")));
    assertEquals(1, index.endpoints(index.service("ns", "a")).addressCount());
    assertEquals(1, index.endpoints(index.service("ns", "b")).addressCount());
    assertTrue(index.endpointsWithAddress(ip("10.0.0.1")).isEmpty());

    index.removeSlice("ns", "s2");
    assertEquals(0, index.endpoints(index.service("ns", "a")).addressCount());
    assertTrue(index.endpointsWithAddress(ip("10.0.0.2")).isEmpty());
  }

  @Test
  void anAddressInSlicesOfTwoServicesIsNamedUnderEachUntilItsSliceGoes() {
    index.putSlice(projection.slice(Fixtures.slice("ns", "a", "a-1", "IPv4", List.of(), Fixtures.ep("10.0.0.7", null, null, true))));
    index.putSlice(projection.slice(Fixtures.slice("ns", "b", "b-1", "IPv4", List.of(), Fixtures.ep("10.0.0.7", null, null, true))));
    index.putService(projection.service(Fixtures.headless("ns", "a")));
    index.putService(projection.service(Fixtures.headless("ns", "b")));
    assertEquals(2, index.endpointsWithAddress(ip("10.0.0.7")).size());
    assertEquals(1, index.endpointsLabelled(index.service("ns", "a"), "10-0-0-7").size());
    assertEquals(1, index.endpointsLabelled(index.service("ns", "b"), "10-0-0-7").size());

    index.removeSlice("ns", "a-1");
    assertTrue(index.endpointsLabelled(index.service("ns", "a"), "10-0-0-7").isEmpty());
    assertEquals("b", index.endpointsWithAddress(ip("10.0.0.7")).get(0).serviceName());
    // A slice updated in place keeps its address answerable.
    index.putSlice(projection.slice(Fixtures.slice("ns", "b", "b-1", "IPv4", List.of(),
        Fixtures.ep("10.0.0.7", null, null, true), Fixtures.ep("10.0.0.8", null, null, true))));
    assertEquals(1, index.endpointsWithAddress(ip("10.0.0.7")).size());
    assertEquals(1, index.endpointsLabelled(index.service("ns", "b"), "10-0-0-8").size());
  }

  /** An address a slice lists twice (two endpoints, two names) answers a PTR query with both. */
  @Test
  void anAddressListedTwiceInOneSliceIsFoundAtBothPositions() {
    index.putSlice(projection.slice(Fixtures.slice("ns", "a", "a-1", "IPv4", List.of(),
        Fixtures.ep("10.0.0.5", null, null, true), Fixtures.ep("10.0.0.9", "first", null, true),
        Fixtures.ep("10.0.0.9", "second", null, true))));
    assertEquals(List.of("first", "second"),
        index.endpointsWithAddress(ip("10.0.0.9")).stream().map(ClusterIndex.ReverseEndpoint::label).toList());
    assertEquals(List.of(0), index.endpointsWithAddress(ip("10.0.0.5")).stream()
        .map(ClusterIndex.ReverseEndpoint::index).toList());

    index.removeSlice("ns", "a-1");
    assertTrue(index.endpointsWithAddress(ip("10.0.0.9")).isEmpty());
    assertTrue(index.endpointsWithAddress(ip("10.0.0.5")).isEmpty());
  }

  @Test
  void ipv6SlicesAreIndexedByAddressAndNamedAfterIt() {
    index.putSlice(projection.slice(Fixtures.slice("ns", "db", "db-v6", "IPv6", List.of(),
        Fixtures.ep("fd00::7", null, null, true), Fixtures.ep("fd00::8", "primary", null, true))));
    index.putService(projection.service(Fixtures.headless("ns", "db")));
    ServiceView db = index.service("ns", "db");
    assertEquals("fd00--7", index.endpointsWithAddress(ip("fd00::7")).get(0).label());
    assertEquals("primary", index.endpointsWithAddress(ip("fd00::8")).get(0).label());
    assertEquals(ip("fd00::7"), index.endpointsLabelled(db, "fd00--7").get(0).address().address());
    assertEquals(ip("fd00::8"), index.endpointsLabelled(db, "primary").get(0).address().address());
    assertEquals(List.of(ip("fd00::7"), ip("fd00::8")),
        index.endpoints(db).sliceViews().iterator().next().addresses().stream().map(EndpointAddress::address).toList());
    index.removeSlice("ns", "db-v6");
    assertTrue(index.endpointsWithAddress(ip("fd00::7")).isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "10-0-0-1, 10.0.0.1",
    "255-255-255-255, 255.255.255.255",
    "0-0-0-0, 0.0.0.0",
    "010-0-0-1,",
    "256-0-0-1,",
    "10-0-0,",
    "10-0-0-1-5,",
    "10-0-0-,",
    "-10-0-0-1,",
    "10--0-1,",
    "h1,",
    "fd00--1,",
  })
  void onlyACanonicalDashedIpv4LabelNamesAnAddress(String label, String address) {
    assertEquals(address == null ? null : ip(address), EndpointAddress.ipv4OfLabel(label));
  }

  @Test
  void clusterIpReverseFollowsUpdatesAndDeletes() {
    index.putService(projection.service(Fixtures.clusterIp("ns", "web", List.of("10.96.0.5", "fd00::5"), java.util.Map.of(), Fixtures.port("http", "TCP", 80))));
    assertEquals("web", index.serviceWithClusterIp(ip("fd00::5")).name());
    index.putService(projection.service(Fixtures.clusterIp("ns", "web", List.of("10.96.0.6"), java.util.Map.of(), Fixtures.port("http", "TCP", 80))));
    assertNull(index.serviceWithClusterIp(ip("10.96.0.5")));
    index.removeService("ns", "web");
    assertNull(index.serviceWithClusterIp(ip("10.96.0.6")));
    assertNull(index.service("ns", "web"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "10.1.2.3, 10-1-2-3",
    "fd00::1, fd00--1",
    "fd00::, fd00--0",
  })
  void endpointsWithoutHostnameAreNamedAfterTheirAddress(String address, String label) {
    EndpointSliceView view = projection.slice(Fixtures.slice("ns", "s", "x", "IPv4", List.of(), Fixtures.ep(address, null, "pod-1", true)));
    assertEquals(label, view.addresses().get(0).label());
    assertEquals(ServicePort.PORTLESS, view.ports().get(0));
  }

  @Test
  void notReadyEndpointsAreDroppedAndPodNamesUsedOnRequest() {
    EndpointSliceView view = new Projection(true).slice(Fixtures.slice("ns", "s", "x", "IPv4", List.of(),
        Fixtures.ep("10.0.0.1", null, "pod-1", true), Fixtures.ep("10.0.0.2", null, "pod-2", false)));
    assertEquals(1, view.addresses().size());
    assertEquals("pod-1", view.addresses().get(0).label());
  }

  @Test
  void podNamespaceLookupAndSearchPath() {
    index.putPod(new ClusterIndex.PodRef("team-a", "p", List.of(ip("10.244.0.9"))));
    int[] watched = {0};
    PodNamespaces lookup = new PodNamespaces(index, Name.fromConstantString("cluster.local."), () -> watched[0]++);
    assertEquals(Optional.of("team-a"), lookup.namespaceOf(ip("10.244.0.9")));
    assertEquals(Optional.empty(), lookup.namespaceOf(ip("10.244.0.8")));
    assertEquals(2, watched[0]);
    assertEquals(
        List.of(
            Name.fromConstantString("team-a.svc.cluster.local."),
            Name.fromConstantString("svc.cluster.local."),
            Name.fromConstantString("cluster.local.")),
        lookup.searchPath("team-a"));
    lookup.hostSearch(List.of(Name.fromConstantString("corp.internal.")));
    assertEquals(Name.fromConstantString("corp.internal."), lookup.searchPath("team-a").get(3),
        "the host's search domains follow the cluster's, as CoreDNS's autopath search");
    index.removePod("team-a", "p");
    assertEquals(Optional.empty(), lookup.namespaceOf(ip("10.244.0.9")));
  }

  @Test
  void searchDomainsComeFromTheLastSearchOrDomainLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path conf = java.nio.file.Files.writeString(dir.resolve("resolv.conf"),
        "domain old.example\nnameserver 10.0.0.10\nsearch corp.internal example.internal # comment\noptions ndots:5\n");
    assertEquals(List.of(Name.fromConstantString("corp.internal."), Name.fromConstantString("example.internal.")),
        PodNamespaces.searchDomains(conf));
    assertEquals(List.of(), PodNamespaces.searchDomains(dir.resolve("missing")));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''                          | ,,,,,",
        "svc                         | svc,,,,,",
        "ns.svc                      | svc,ns,,,,",
        "web.ns.svc                  | svc,ns,web,,,",
        "db-0.web.ns.svc             | svc,ns,web,db-0,,",
        "_http._tcp.web.ns.svc       | svc,ns,web,,http,tcp",
        "1-2-3-4.ns.pod              | pod,ns,1-2-3-4,,,",
        "a.b.c.web.ns.svc            | invalid",
        "web.ns.other                | invalid",
      })
  void recordRequestsParseAsCoreDns(String name, String expected) {
    String[] labels = name.isEmpty() ? new String[0] : name.split("\\.");
    RecordRequest r = RecordRequest.parse(labels);
    String actual =
        r == null
            ? "invalid"
            : String.join(",", r.kind(), r.namespace(), r.service(), r.endpoint(), r.port(), r.protocol());
    assertEquals(expected, actual);
  }
}
