package dev.corvus.dns.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.capability.Explanation;
import dev.corvus.dns.server.testplugins.TestPlugins;
import dev.corvus.dns.api.capability.Explanation.Outcome;
import dev.corvus.dns.api.capability.Explanation.Step;
import dev.corvus.dns.server.client.DnsClient;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class ExplainTest {

  private static final InetSocketAddress CLIENT = new InetSocketAddress("10.0.0.7", 53);

  private static final String COREFILE = """
      example.:0 {
          pass "first look"
          records {
              a.example. 300 IN A 192.0.2.1
          }
      }
      broken.:0 {
          fail
      }
      slow.:0 {
          delay
      }
      """;

  @Test
  void reportsEachHandlerWithItsNotesOutcomeAndRcode() throws Exception {
    try (Corvus server = Corvus.builder().plugin(new TestPlugins.Delay()).corefile(COREFILE).dnsPort(0).start()) {
      Explanation explanation = server.explain("a.example.", Type.A, CLIENT);
      assertEquals("example.", explanation.zone());
      assertTrue(explanation.server().startsWith("dns://:"), explanation.server());
      List<Step> steps = explanation.steps();
      assertEquals(List.of("pass", "records"), steps.stream().map(Step::directive).toList());
      assertEquals(Outcome.PASSED_ON, steps.get(0).outcome());
      assertEquals(List.of("first look"), steps.get(0).notes());
      assertEquals("a.example. A", steps.get(0).question());
      assertEquals("a.example. A", steps.get(0).passedOn());
      assertEquals(Outcome.ANSWERED, steps.get(1).outcome());
      assertEquals("NOERROR", steps.get(1).rcode());
      assertEquals("", steps.get(1).passedOn());
      assertTrue(steps.get(0).took().compareTo(steps.get(1).took()) >= 0, "a step's time includes what follows it");
      assertEquals("192.0.2.1", explanation.response().getSection(Section.ANSWER).get(0).rdataToString());
    }
  }

  @Test
  void nxdomainAndFailuresAreReportedAsTheClientWouldSeeThem() throws Exception {
    try (Corvus server = Corvus.builder().plugin(new TestPlugins.Delay()).corefile(COREFILE).dnsPort(0).start()) {
      Explanation missing = server.explain("nothere.example.", Type.A, CLIENT);
      assertEquals(Rcode.NXDOMAIN, missing.response().getRcode());
      Explanation broken = server.explain("x.broken.", Type.A, CLIENT);
      assertEquals(Rcode.SERVFAIL, broken.response().getRcode());
      assertEquals(Outcome.FAILED, broken.steps().get(0).outcome());
      assertTrue(broken.steps().get(0).notes().stream().anyMatch(n -> n.startsWith("failed:")),
          broken.steps().get(0).notes().toString());
    }
  }

  @Test
  void asynchronousAnswersAreWaitedFor() throws Exception {
    try (Corvus server = Corvus.builder().plugin(new TestPlugins.Delay()).corefile(COREFILE).dnsPort(0).start()) {
      Explanation slow = server.explain("20.slow.", Type.TXT, CLIENT);
      assertEquals(Rcode.NOERROR, slow.response().getRcode());
      assertTrue(slow.steps().get(0).took().toMillis() >= 20, slow.steps().get(0).took().toString());
    }
  }

  @Test
  void aNameNoBlockServesIsAnErrorNotAnAnswer() throws Exception {
    try (Corvus server = Corvus.builder().plugin(new TestPlugins.Delay()).corefile(COREFILE).dnsPort(0).start()) {
      ExecutionException failure = assertThrows(ExecutionException.class,
          () -> server.explain("www.elsewhere.org.", Type.A, CLIENT));
      assertTrue(failure.getCause().getMessage().contains("no server block serves"), failure.getCause().getMessage());
    }
  }

  @Test
  void explanationsDoNotCountAsQueries() throws Exception {
    try (Corvus server = Corvus.builder().plugin(new TestPlugins.Delay()).corefile(COREFILE).dnsPort(0).start()) {
      new DnsClient(server.udpAddress()).udp("a.example.", Type.A);
      String before = server.scrapeMetrics();
      server.explain("a.example.", Type.A, CLIENT);
      server.explain("x.broken.", Type.A, CLIENT);
      String after = server.scrapeMetrics();
      assertEquals(withoutProcessMetrics(before), withoutProcessMetrics(after));
      assertFalse(before.isEmpty());
    }
  }

  /** The server's own counters, without the JVM and process gauges that move on their own. */
  private static List<String> withoutProcessMetrics(String scrape) {
    return scrape.lines()
        .filter(l -> l.startsWith("corvus_") || l.startsWith("coredns_"))
        .filter(l -> !l.startsWith("coredns_build_info"))
        .toList();
  }
}
