package dev.corvus.dns.plugin.rewrite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.DnsException;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.plugin.testing.TestBackend;
import dev.corvus.dns.testkit.PluginTestKit;
import dev.corvus.dns.testkit.Queries;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

class RewriteFactoryTest {

  private final PluginTestKit kit = new PluginTestKit();


  @AfterEach
  void close() {
    kit.close();
  }

  /** A backend answering A queries with 192.0.2.1 owned by the name it was asked, TTL 30. */
  static final Function<Request, CompletionStage<Message>> ECHO_A = request -> {
    try {
      return Responses.completed(Responses.answer(request,
          new ARecord(request.qname(), DClass.IN, 30, InetAddress.getByName("192.0.2.1"))));
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  };

  private Handler rewrite(String text) throws ConfigException {
    return kit.create(new RewriteFactory(), text).handler().orElseThrow();
  }

  /** A backend answering every query with {@code rcode} and no records. */
  private static Function<Request, CompletionStage<Message>> answering(int rcode) {
    return request -> Responses.completedError(request, rcode);
  }

  /** Rewrite directives in Corefile order, in front of a backend. */
  private record Rewrites(TestBackend backend, Handler... handlers) {
    Message run(Request request) {
      return backend.run(request, handlers);
    }

    List<Request> reachedBackend() {
      return backend.requests();
    }
  }

  private Rewrites pipeline(Function<Request, CompletionStage<Message>> backend, String... directives)
      throws ConfigException {
    List<Handler> handlers = new ArrayList<>();
    for (String d : directives) {
      handlers.add(rewrite(d));
    }
    return new Rewrites(TestBackend.of(backend), handlers.toArray(Handler[]::new));
  }

  private static String askedName(Rewrites p) {
    return p.reachedBackend().get(p.reachedBackend().size() - 1).qname().toString();
  }

  @Test
  void exactRewritesTheQueryAndMapsTheAnswerBack() throws Exception {
    Rewrites p = pipeline(ECHO_A, "rewrite name exact red.example.org blue.example.org");
    Message m = p.run(Queries.request("red.example.org.", Type.A));
    assertEquals("blue.example.org.", askedName(p));
    assertEquals("red.example.org.", m.getQuestion().getName().toString());
    assertEquals("red.example.org.", m.getSection(Section.ANSWER).get(0).getName().toString());
  }

  @Test
  void twoArgumentsMeanExact() throws Exception {
    Rewrites p = pipeline(ECHO_A, "rewrite name red.example.org blue.example.org");
    p.run(Queries.request("RED.example.org.", Type.A));
    assertEquals("blue.example.org.", askedName(p));
  }

  @Test
  void prefixSuffixAndSubstring() throws Exception {
    Rewrites prefix = pipeline(ECHO_A, "rewrite name prefix foo bar");
    prefix.run(Queries.request("foo.example.org.", Type.A));
    assertEquals("bar.example.org.", askedName(prefix));

    Rewrites suffix = pipeline(ECHO_A, "rewrite name suffix .schmoogle.com. .google.com. answer auto");
    Message m = suffix.run(Queries.request("www.schmoogle.com.", Type.A));
    assertEquals("www.google.com.", askedName(suffix));
    assertEquals("www.schmoogle.com.", m.getSection(Section.ANSWER).get(0).getName().toString());

    Rewrites substring = pipeline(ECHO_A,
        "rewrite name substring service.us-west-1.example.org service.us-west-1.consul");
    Message s = substring.run(Queries.request("ftp.service.us-west-1.example.org.", Type.A));
    assertEquals("ftp.service.us-west-1.consul.", askedName(substring));
    // without answer auto the answer keeps the rewritten owner, but the question is the client's
    assertEquals("ftp.service.us-west-1.consul.", s.getSection(Section.ANSWER).get(0).getName().toString());
    assertEquals("ftp.service.us-west-1.example.org.", s.getQuestion().getName().toString());
  }

  @Test
  void regexWithGroupsAndAnswerNameRestoresTheName() throws Exception {
    Rewrites p = pipeline(ECHO_A, """
        rewrite stop {
            name regex (.*)-(us-west-1)\\.example\\.org {1}.service.{2}.consul
            answer name (.*)\\.service\\.(us-west-1)\\.consul {1}-{2}.example.org
        }""");
    Message m = p.run(Queries.request("ftp-us-west-1.example.org.", Type.A));
    assertEquals("ftp.service.us-west-1.consul.", askedName(p));
    assertEquals("ftp-us-west-1.example.org.", m.getSection(Section.ANSWER).get(0).getName().toString());
    assertEquals("ftp-us-west-1.example.org.", m.getQuestion().getName().toString());
  }

  @Test
  void regexAnswerAutoMapsTheRewrittenNameBack() throws Exception {
    Rewrites p = pipeline(ECHO_A, "rewrite name regex ^(.*)\\.corp\\.$ {1}.example.org answer auto");
    Message m = p.run(Queries.request("db.corp.", Type.A));
    assertEquals("db.example.org.", askedName(p));
    assertEquals("db.corp.", m.getSection(Section.ANSWER).get(0).getName().toString());
  }

  @Test
  void answerValueRewritesCnameTargets() throws Exception {
    Function<Request, CompletionStage<Message>> cname = request -> Responses.completed(Responses.answer(request,
        new CNAMERecord(request.qname(), DClass.IN, 30, Name.fromConstantString("web.service.consul."))));
    Rewrites p = pipeline(cname,
        "rewrite name suffix .example.org .service.consul answer auto answer value (.*)\\.service\\.consul\\. {1}.example.org.");
    Message m = p.run(Queries.request("app.example.org.", Type.CNAME));
    CNAMERecord r = (CNAMERecord) m.getSection(Section.ANSWER).get(0);
    assertEquals("app.example.org.", r.getName().toString());
    assertEquals("web.example.org.", r.getTarget().toString());
  }

  @Test
  void stopEndsTheRulesAndContinueGoesOn() throws Exception {
    Rewrites stopped = pipeline(ECHO_A,
        "rewrite stop name a.example.org b.example.org", "rewrite name b.example.org c.example.org");
    stopped.run(Queries.request("a.example.org.", Type.A));
    assertEquals("b.example.org.", askedName(stopped));

    Rewrites continued = pipeline(ECHO_A,
        "rewrite continue name a.example.org b.example.org", "rewrite name b.example.org c.example.org");
    Message m = continued.run(Queries.request("a.example.org.", Type.A));
    assertEquals("c.example.org.", askedName(continued));
    // both exact rules map back, in reverse order: c -> b -> a
    assertEquals("a.example.org.", m.getSection(Section.ANSWER).get(0).getName().toString());
    assertEquals("a.example.org.", m.getQuestion().getName().toString());
  }

  @Test
  void typeAndClassRulesKeepTheAskedQuestion() throws Exception {
    Rewrites type = pipeline(answering(Rcode.NOERROR), "rewrite type ANY HINFO");
    Message m = type.run(Queries.request("x.example.org.", Type.ANY));
    assertEquals(Type.HINFO, type.reachedBackend().get(0).qtype());
    assertEquals(Type.ANY, m.getQuestion().getType());

    Rewrites dclass = pipeline(answering(Rcode.NOERROR), "rewrite class CH IN");
    Message c = dclass.run(Queries.request(Queries.query("x.example.org.", Type.TXT, DClass.CH)));
    assertEquals(DClass.IN, dclass.reachedBackend().get(0).qclass());
    assertEquals(DClass.CH, c.getQuestion().getDClass());
  }

  @Test
  void ttlRulesSetAndClamp() throws Exception {
    Message set = pipeline(ECHO_A, "rewrite ttl example.org. 15").run(Queries.request("example.org.", Type.A));
    assertEquals(15, set.getSection(Section.ANSWER).get(0).getTTL());
    Message min = pipeline(ECHO_A, "rewrite ttl suffix .org 60-").run(Queries.request("a.example.org.", Type.A));
    assertEquals(60, min.getSection(Section.ANSWER).get(0).getTTL());
    Message cap = pipeline(ECHO_A, "rewrite ttl regex .*\\.org\\. -10").run(Queries.request("a.example.org.", Type.A));
    assertEquals(10, cap.getSection(Section.ANSWER).get(0).getTTL());
    Message inRange = pipeline(ECHO_A, "rewrite ttl prefix a. 10-100").run(Queries.request("a.example.org.", Type.A));
    assertEquals(30, inRange.getSection(Section.ANSWER).get(0).getTTL());
    Message other = pipeline(ECHO_A, "rewrite ttl example.net. 15").run(Queries.request("example.org.", Type.A));
    assertEquals(30, other.getSection(Section.ANSWER).get(0).getTTL());
  }

  @Test
  void rcodeRuleChangesTheResponseCode() throws Exception {
    Rewrites p = pipeline(answering(Rcode.SERVFAIL), "rewrite rcode suffix .example.org SERVFAIL NOERROR");
    assertEquals(Rcode.NOERROR, p.run(Queries.request("a.example.org.", Type.AAAA)).getRcode());
  }

  @Test
  void edns0LocalSetAppendReplaceUnset() throws Exception {
    Rewrites set = pipeline(answering(Rcode.NOERROR), "rewrite edns0 local set 0xffee 0x61626364");
    set.run(Queries.request("a.example.org.", Type.A));
    OPTRecord opt = set.reachedBackend().get(0).opt();
    List<EDNSOption> options = opt.getOptions(0xffee);
    assertEquals(1, options.size());
    assertArrayEquals("abcd".getBytes(), data(options.get(0)));

    Rewrites clientIp = pipeline(answering(Rcode.NOERROR), "rewrite edns0 local append 0xffef {client_ip}");
    clientIp.run(Queries.request("a.example.org.", Type.A));
    assertArrayEquals(new byte[] {127, 0, 0, 1}, data(clientIp.reachedBackend().get(0).opt().getOptions(0xffef).get(0)));

    Rewrites replace = pipeline(answering(Rcode.NOERROR), "rewrite edns0 local replace 0xffee abcd");
    replace.run(Queries.request("a.example.org.", Type.A));
    OPTRecord unchanged = replace.reachedBackend().get(0).opt();
    assertTrue(unchanged != null && unchanged.getOptions().isEmpty(),
        "replace adds no option when the option is absent, but the query gets an OPT record as in CoreDNS");

    Rewrites noMatch = pipeline(answering(Rcode.NOERROR),
        "rewrite stop edns0 local replace 0xffee abcd", "rewrite stop edns0 local set 0xffee efgh");
    noMatch.run(Queries.request("a.example.org.", Type.A));
    assertArrayEquals("efgh".getBytes(), data(noMatch.reachedBackend().get(0).opt().getOptions(0xffee).get(0)),
        "a replace with nothing to replace does not stop the rules after it");

    Rewrites chain = pipeline(answering(Rcode.NOERROR),
        "rewrite continue edns0 local set 0xffee abcd", "rewrite edns0 local unset 0xffee");
    chain.run(Queries.request("a.example.org.", Type.A));
    assertTrue(chain.reachedBackend().get(0).opt().getOptions(0xffee).isEmpty());
  }

  @Test
  void edns0NsidAddsAnEmptyNsidOption() throws Exception {
    Rewrites p = pipeline(answering(Rcode.NOERROR), "rewrite edns0 nsid set");
    p.run(Queries.request("a.example.org.", Type.A));
    assertEquals(1, p.reachedBackend().get(0).opt().getOptions(EDNSOption.Code.NSID).size());
  }

  @Test
  void anInvalidRewrittenNameIsServfail() throws Exception {
    Rewrites p = pipeline(ECHO_A, "rewrite name regex (.*) {1}.{1}.{1}.{1}.{1}.{1}.{1}.{1}.{1}");
    String longLabel = "a".repeat(60);
    CompletionException e = assertThrows(CompletionException.class,
        () -> p.run(Queries.request(longLabel + "." + longLabel + ".", Type.A)));
    assertEquals(Rcode.SERVFAIL, ((DnsException) e.getCause()).rcode());
  }

  @Test
  void regexErrorsAreReportedAtParseTime() {
    ConfigException e = assertThrows(ConfigException.class, () -> rewrite("rewrite name regex (foo bar"));
    assertTrue(e.getMessage().contains("<test>:2"), e.getMessage());
    assertTrue(e.getMessage().contains("(foo"), e.getMessage());
    ConfigException answer = assertThrows(ConfigException.class,
        () -> rewrite("rewrite name regex (.*) {1}.x answer name [unclosed {1}"));
    assertTrue(answer.getMessage().contains("[unclosed"), answer.getMessage());
  }

  @Test
  void badRulesAreRejected() {
    for (String bad : List.of(
        "rewrite",
        "rewrite name",
        "rewrite name onlyone",
        "rewrite name fuzzy a b",
        "rewrite name exact a b answer",
        "rewrite name exact a b answer sideways x y",
        "rewrite type A",
        "rewrite type A NOPE",
        "rewrite class XX IN",
        "rewrite ttl example.org. abc",
        "rewrite ttl example.org. 50-10",
        "rewrite rcode example.org. SERVFAIL WHATEVER",
        "rewrite edns0 local set 0xffee",
        "rewrite edns0 local set 0xzz abc",
        "rewrite edns0 local set 0xffee {server_name}",
        "rewrite edns0 local toggle 0xffee abc",
        "rewrite edns0 subnet set 33 56",
        "rewrite edns0 subnet set 24 129",
        "rewrite edns0 subnet set 24",
        "rewrite edns0 subnet unset 24",
        "rewrite cname fuzzy a b",
        "rewrite cname a",
        "rewrite cname regex (unclosed a",
        "rewrite cname regex " + "a".repeat(10001) + " b",
        "rewrite header set aa",
        "rewrite stop name a b {\n name c d\n}")) {
      assertThrows(ConfigException.class, () -> rewrite(bad), bad);
    }
  }

  /** A backend like CoreDNS's msgPrinter: it answers with the query's own OPT record, options included. */
  private static final Function<Request, CompletionStage<Message>> ECHO_OPT = request -> {
    Message response = Responses.reply(request);
    if (request.opt() != null) {
      response.addRecord(request.opt(), Section.ADDITIONAL);
    }
    return Responses.completed(response);
  };

  private static List<EDNSOption> options(Message m) {
    return m.getOPT() == null ? List.of() : m.getOPT().getOptions();
  }

  private static Request withOptions(EDNSOption... options) {
    Message query = Queries.query("example.com.", Type.A);
    query.addRecord(new OPTRecord(4096, 0, 0, 0, List.of(options)), Section.ADDITIONAL);
    return Queries.request(query);
  }

  @Test
  void edns0RevertTakesAnAddedOptionOutOfTheResponse() throws Exception {
    for (String rule : List.of("rewrite edns0 local set 0xffee abcd revert", "rewrite edns0 local append 0xffee abcd revert")) {
      Rewrites p = pipeline(ECHO_OPT, rule);
      Message m = p.run(withOptions());
      assertEquals(1, options(p.reachedBackend().get(0).message()).size(), "the query carries it: " + rule);
      assertEquals(List.of(), options(m), "the response does not: " + rule);
    }
    Rewrites without = pipeline(ECHO_OPT, "rewrite edns0 local set 0xffee abcd");
    assertEquals(1, options(without.run(withOptions())).size(), "without revert the echoed option stays");
  }

  @Test
  void edns0RevertGivesAReplacedOptionItsClientValueBack() throws Exception {
    EDNSOption client = new org.xbill.DNS.GenericEDNSOption(0xffee, new byte[] {1, 2});
    Rewrites p = pipeline(ECHO_OPT, "rewrite continue edns0 local set 0xffee abcd", "rewrite edns0 local replace 0xffee bcde revert");
    Message m = p.run(withOptions(client));
    assertArrayEquals("bcde".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        data(options(p.reachedBackend().get(0).message()).get(0)));
    // as CoreDNS's README says: the response carries the value the replacing rule found (abcd)
    assertArrayEquals("abcd".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        data(options(m).get(0)));
  }

  @Test
  void edns0SubnetSetsTheClientsNetworkByFamily() throws Exception {
    Rewrites p = pipeline(ECHO_OPT, "rewrite edns0 subnet set 24 56");
    p.run(Queries.request(Queries.query("example.com.", Type.A),
        new java.net.InetSocketAddress(InetAddress.getByName("10.240.0.1"), 40212), dev.corvus.dns.api.Transport.UDP));
    p.run(Queries.request(Queries.query("example.com.", Type.A),
        new java.net.InetSocketAddress(InetAddress.getByName("2001:db8:abcd:1234::1"), 40212), dev.corvus.dns.api.Transport.UDP));
    org.xbill.DNS.ClientSubnetOption v4 = (org.xbill.DNS.ClientSubnetOption) options(p.reachedBackend().get(0).message()).get(0);
    assertEquals(24, v4.getSourcePrefixLength());
    assertEquals(0, v4.getScopePrefixLength());
    assertEquals(InetAddress.getByName("10.240.0.0"), v4.getAddress());
    org.xbill.DNS.ClientSubnetOption v6 = (org.xbill.DNS.ClientSubnetOption) options(p.reachedBackend().get(1).message()).get(0);
    assertEquals(56, v6.getSourcePrefixLength());
    assertEquals(InetAddress.getByName("2001:db8:abcd:1200::"), v6.getAddress());

    Rewrites unset = pipeline(ECHO_OPT, "rewrite edns0 subnet unset");
    unset.run(withOptions(new org.xbill.DNS.ClientSubnetOption(16, InetAddress.getByName("192.0.0.0"))));
    assertEquals(List.of(), options(unset.reachedBackend().get(0).message()));
  }

  @Test
  void aFailedCnameLookupLeavesTheResponseAsItWas() throws Exception {
    // the kit's resolver fails every lookup, as Corvus's does once the server stops
    InetAddress old = InetAddress.getByName("192.0.2.99");
    Function<Request, CompletionStage<Message>> chain = request -> Responses.completed(Responses.answer(request,
        new CNAMERecord(request.qname(), DClass.IN, 600, Name.fromConstantString("old-cdn.example.")),
        new ARecord(Name.fromConstantString("old-cdn.example."), DClass.IN, 600, old)));
    Rewrites p = pipeline(chain, "rewrite cname exact old-cdn.example. new-cdn.example.");
    Message m = p.run(Queries.request("alias.example.", Type.A));
    assertEquals(List.of("alias.example. CNAME old-cdn.example.", "old-cdn.example. A 192.0.2.99"),
        m.getSection(Section.ANSWER).stream().map(r -> r.getName() + " " + Type.string(r.getType()) + " " + r.rdataToString()).toList());
  }

  @Test
  void cnameTargetsAreRewrittenAndTheRestLookedUpAgain() throws Exception {
    kit.resolver(query -> {
      Message answer = new Message(query.getHeader().getID());
      answer.addRecord(query.getQuestion(), Section.QUESTION);
      try {
        answer.addRecord(new ARecord(query.getQuestion().getName(), DClass.IN, 300, InetAddress.getByName("30.3.1.2")), Section.ANSWER);
      } catch (java.net.UnknownHostException e) {
        throw new IllegalStateException(e);
      }
      return java.util.concurrent.CompletableFuture.completedFuture(answer);
    });
    InetAddress cdn = InetAddress.getByName("20.2.0.1");
    Function<Request, CompletionStage<Message>> chain = request -> Responses.completed(Responses.answer(request,
        new CNAMERecord(request.qname(), DClass.IN, 200, Name.fromConstantString("my-app.example.")),
        new CNAMERecord(Name.fromConstantString("my-app.example."), DClass.IN, 200, Name.fromConstantString("my-app.com.cdn.example.net.")),
        new ARecord(Name.fromConstantString("my-app.com.cdn.example.net."), DClass.IN, 300, cdn)));
    Rewrites p = pipeline(chain, "rewrite cname regex (.*).cdn.example.net. {1}.other.cdn.com.");
    Message m = p.run(Queries.request("my-app.com.", Type.A));
    assertEquals(List.of(
        "my-app.com. 200 CNAME my-app.example.",
        "my-app.example. 200 CNAME my-app.com.other.cdn.com.",
        "my-app.com.other.cdn.com. 300 A 30.3.1.2"),
        m.getSection(Section.ANSWER).stream()
            .map(r -> r.getName() + " " + r.getTTL() + " " + Type.string(r.getType()) + " " + r.rdataToString()).toList());
  }

  @Test
  void isRepeatable() {
    assertTrue(new RewriteFactory().repeatable());
  }

  @Test
  void sharedResponsesAreNotModified() throws Exception {
    Message shared = new Message();
    Function<Request, CompletionStage<Message>> cached = request -> {
      Message m = Responses.answer(request, new TXTRecord(request.qname(), DClass.IN, 30, "x"));
      shared.getHeader().setID(m.getHeader().getID());
      shared.addRecord(m.getSection(Section.ANSWER).get(0), Section.ANSWER);
      return Responses.completed(shared);
    };
    pipeline(cached, "rewrite name exact a.example.org b.example.org").run(Queries.request("a.example.org.", Type.TXT));
    Record kept = shared.getSection(Section.ANSWER).get(0);
    assertEquals("b.example.org.", kept.getName().toString());
  }

  private static byte[] data(EDNSOption option) {
    byte[] wire = option.toWire();
    return java.util.Arrays.copyOfRange(wire, 4, wire.length);
  }
}
