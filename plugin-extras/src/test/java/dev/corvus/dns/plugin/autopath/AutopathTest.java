package dev.corvus.dns.plugin.autopath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.Transport;
import dev.corvus.dns.api.capability.PodNamespaceLookup;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.plugin.testing.TestBackend;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.PluginTestKit;
import dev.corvus.dns.testkit.Queries;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class AutopathTest {

  private final PluginTestKit kit = new PluginTestKit();

  @TempDir Path dir;
  private final PluginContext context = kit.context();

  @AfterEach
  void close() {
    kit.close();
  }

  /** Answers google.com. with an address, everything else NXDOMAIN. */
  private static final Function<Request, CompletionStage<Message>> UPSTREAM = request -> {
    if (request.qname().equals(Name.fromConstantString("google.com."))) {
      try {
        return Responses.completed(Responses.answer(request,
            new ARecord(request.qname(), DClass.IN, 300, InetAddress.getByName("192.0.2.10"))));
      } catch (java.net.UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }
    return Responses.completedError(request, Rcode.NXDOMAIN);
  };

  private Handler autopath(String text) throws Exception {
    Plugin plugin = kit.baseDirectory(dir).create(new AutopathFactory(), text);
    plugin.start();
    return plugin.handler().orElseThrow();
  }

  private Path resolvConf() throws Exception {
    Path file = dir.resolve("resolv.conf");
    Files.writeString(file, "nameserver 10.0.0.10\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n");
    return file;
  }

  @Test
  void walksTheSearchPathAndAnswersWithACname() throws Exception {
    resolvConf();
    Handler handler = autopath("autopath resolv.conf");
    TestBackend upstream = TestBackend.of(UPSTREAM);
    Message m = upstream.run(Queries.request("google.com.default.svc.cluster.local.", Type.A), handler);
    assertEquals(Rcode.NOERROR, m.getRcode());
    assertEquals("google.com.default.svc.cluster.local.", m.getQuestion().getName().toString());
    List<Record> answer = m.getSection(Section.ANSWER);
    CNAMERecord cname = (CNAMERecord) answer.get(0);
    assertEquals("google.com.default.svc.cluster.local.", cname.getName().toString());
    assertEquals("google.com.", cname.getTarget().toString());
    assertEquals(300, cname.getTTL());
    assertEquals("192.0.2.10", answer.get(1).rdataToString());
    assertEquals(List.of("google.com.default.svc.cluster.local.", "google.com.svc.cluster.local.",
        "google.com.cluster.local.", "google.com."),
        upstream.requests().stream().map(r -> r.qname().toString()).toList());
    assertEquals(1.0, kit.metricValue("coredns_autopath_success_total", "dns://:53"));
  }

  @Test
  void namesNotInTheFirstSearchDomainPassUnchanged() throws Exception {
    resolvConf();
    Handler handler = autopath("autopath resolv.conf");
    TestBackend upstream = TestBackend.of(UPSTREAM);
    upstream.run(Queries.request("google.com.svc.cluster.local.", Type.A), handler);
    assertEquals(1, upstream.requests().size());
  }

  @Test
  void whenNothingExistsTheFirstReplyIsReturned() throws Exception {
    resolvConf();
    Handler handler = autopath("autopath resolv.conf");
    TestBackend upstream = TestBackend.of(UPSTREAM);
    Message m = upstream.run(Queries.request("nothing.default.svc.cluster.local.", Type.A), handler);
    assertEquals(Rcode.NXDOMAIN, m.getRcode());
    assertEquals("nothing.default.svc.cluster.local.", m.getQuestion().getName().toString());
    assertEquals(4, upstream.requests().size());
  }

  @Test
  void kubernetesSearchPathComesFromTheClientsNamespace() throws Exception {
    context.services().export(PodNamespaceLookup.class, FakePodNamespacesFactory.lookup("team-a"));
    Handler handler = autopath("autopath @kubernetes");
    TestBackend upstream = TestBackend.of(UPSTREAM);
    Message m = upstream.run(Queries.request("google.com.team-a.svc.cluster.local.", Type.A), handler);
    assertEquals(Type.CNAME, m.getSection(Section.ANSWER).get(0).getType());
    // a client that is no known pod gets no expansion
    Handler otherHandler = autopath("autopath @kubernetes");
    TestBackend otherUpstream = TestBackend.of(UPSTREAM);
    otherUpstream.run(Queries.request("google.com.team-a.svc.cluster.local.", Type.A,
        new java.net.InetSocketAddress("192.0.2.200", 5353), Transport.UDP), otherHandler);
    assertEquals(1, otherUpstream.requests().size());
  }

  @Test
  void kubernetesWithoutTheServicePassesQueriesOn() throws Exception {
    Handler handler = autopath("autopath @kubernetes");
    TestBackend upstream = TestBackend.of(UPSTREAM);
    upstream.run(Queries.request("google.com.default.svc.cluster.local.", Type.A), handler);
    assertEquals(1, upstream.requests().size());
  }

  @Test
  void zonesLimitTheExpansion() throws Exception {
    resolvConf();
    Handler handler = autopath("autopath example.org resolv.conf");
    TestBackend upstream = TestBackend.of(UPSTREAM);
    upstream.run(Queries.request("google.com.default.svc.cluster.local.", Type.A), handler);
    assertEquals(1, upstream.requests().size());
  }

  @Test
  void badConfigurations() {
    assertThrows(ConfigException.class, () -> autopath("autopath"));
    assertThrows(ConfigException.class, () -> autopath("autopath @etcd"));
    assertThrows(ConfigException.class, () -> autopath("autopath missing-resolv.conf"));
    assertThrows(ConfigException.class, () -> autopath("autopath @kubernetes {\n ttl 5\n}"));
  }

  /**
   * The point of autopath, measured over real sockets: a pod with ndots:5 resolving an external
   * name sends A and AAAA for each of its three search domains before the name itself; with
   * autopath the first try already answers.
   */
  @Test
  void savesTheSearchPathWalkOfAnNdots5Client() throws Exception {
    Path hosts = dir.resolve("hosts");
    Files.writeString(hosts, "192.0.2.10 google.com\n");
    String backends = """
          template ANY ANY cluster.local {
            rcode NXDOMAIN
            authority "cluster.local. 30 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 30"
          }
          hosts %s
        """.formatted(hosts);
    List<String> search = List.of("default.svc.cluster.local", "svc.cluster.local", "cluster.local");

    int without;
    try (Corvus server = Corvus.builder().corefile(".:0 {\n" + backends + "}\n").dnsPort(0).start()) {
      StubResolver.Lookup lookup = new StubResolver(new DnsClient(server.udpAddress()), search, 5).resolve("google.com");
      assertEquals("192.0.2.10", lookup.answer().getSection(Section.ANSWER).get(0).rdataToString());
      without = lookup.queriesSent();
    }
    int with;
    String withAutopath = ".:0 {\n  fake_pod_namespaces default\n  autopath @kubernetes\n" + backends + "}\n";
    try (Corvus server = Corvus.builder().corefile(withAutopath).dnsPort(0)
        .plugin(new FakePodNamespacesFactory()).start()) {
      StubResolver.Lookup lookup = new StubResolver(new DnsClient(server.udpAddress()), search, 5).resolve("google.com");
      List<Record> answer = lookup.answer().getSection(Section.ANSWER);
      assertEquals(Type.CNAME, answer.get(0).getType());
      assertEquals("192.0.2.10", answer.get(1).rdataToString());
      with = lookup.queriesSent();
    }
    assertEquals(8, without, "3 search domains + the name itself, A and AAAA each");
    assertEquals(2, with, "the first search-path try is answered");
    assertTrue(without - with == 6, "autopath saves 6 of 8 queries per external lookup");
  }
}
