package dev.corvus.dns.plugin.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.Transport;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.testkit.PluginTestKit;
import dev.corvus.dns.testkit.Queries;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class LogHandlerTest {

  private final PluginTestKit kit = new PluginTestKit();

  private final List<String> lines = new ArrayList<>();

  /** Renders each line at once, on the test's thread: what the writer thread of {@link AsyncLogSink} does later. */
  private final LogSink sink = entry -> lines.add(entry.render());

  @AfterEach
  void closeKit() {
    kit.close();
  }

  private Message run(LogHandler handler, Request request, java.util.function.Function<Request, Message> answer)
      throws Exception {
    Message response = handler.handle(PluginTestKit.chain(request, "test",
        next -> Responses.completed(answer.apply(next.request())))).toCompletableFuture().get();
    PluginTestKit.written(request, response);
    return response;
  }

  /** A query from 127.0.0.1:5353 with ID 4242, so that its log line is known in advance. */
  private static Request knownRequest(String name, int type) {
    Message query = Queries.query(name, type);
    query.getHeader().setID(4242);
    return Queries.request(query, new InetSocketAddress("127.0.0.1", 5353), Transport.UDP);
  }

  private static Message positive(Request r) {
    return Responses.answer(r, new ARecord(r.qname(), DClass.IN, 60, new byte[] {10, 0, 0, 1}));
  }

  private static Message nodata(Request r) {
    Message m = Responses.reply(r);
    m.addRecord(new SOARecord(Name.root, DClass.IN, 60, Name.root, Name.root, 1, 2, 3, 4, 5), Section.AUTHORITY);
    return m;
  }

  @Test
  void defaultFormatIsCorednsCommonLogFormat() throws Exception {
    LogHandler handler = new LogHandler(LogFactory.parse(kit.config("log")), sink);
    Request request = knownRequest("Example.org.", Type.A);
    Message response = run(handler, request, LogHandlerTest::positive);

    assertEquals(1, lines.size());
    int size = request.message().toWire().length;
    int rsize = response.toWire().length;
    String expected = "127.0.0.1:5353 - 4242 \"A IN example.org. udp " + size + " false 512\" NOERROR qr,aa,rd "
        + rsize + " ";
    String line = lines.get(0);
    assertTrue(line.startsWith(expected), line);
    assertTrue(line.substring(expected.length()).matches("\\d+\\.\\d+s|0s|\\d+s"), line);
  }

  @Test
  void ipv6RemoteIsBracketedAndTcpBufferIs65535() throws Exception {
    LogHandler handler = new LogHandler(
        LogFactory.parse(kit.config("log . \"{remote} {port} {proto} {>bufsize} {>opcode} {/log/class} {/log/type} {local} {bogus}\"")),
        sink);
    Request request = Queries.request("example.org.", Type.AAAA, new InetSocketAddress("::1", 999), Transport.TCP);
    run(handler, request, LogHandlerTest::nodata);
    assertEquals(List.of("[::1] 999 tcp 65535 0 denial NODATA - {bogus}"), lines);
  }

  @Test
  void classDenialLogsNxdomainAndNodataOnly() throws Exception {
    LogHandler handler = new LogHandler(LogFactory.parse(kit.config("log . {\n class denial\n}")), sink);
    run(handler, Queries.request("a.example.", Type.A), LogHandlerTest::positive);
    run(handler, Queries.request("b.example.", Type.A), r -> Responses.error(r, Rcode.NXDOMAIN));
    run(handler, Queries.request("c.example.", Type.A), LogHandlerTest::nodata);
    run(handler, Queries.request("d.example.", Type.A), r -> Responses.error(r, Rcode.SERVFAIL));
    assertEquals(2, lines.size(), lines.toString());
    assertTrue(lines.get(0).contains("b.example.") && lines.get(0).contains("NXDOMAIN"));
    assertTrue(lines.get(1).contains("c.example.") && lines.get(1).contains("NOERROR"));
  }

  @Test
  void combinedFormatAddsOpcodeAndScopesLimitLogging() throws Exception {
    List<LogRule> rules = LogFactory.parse(kit.config("log example.org example.net {combined}"));
    assertEquals(2, rules.size());
    LogHandler handler = new LogHandler(rules, sink);
    run(handler, Queries.request("www.example.net.", Type.A), LogHandlerTest::positive);
    run(handler, Queries.request("www.example.com.", Type.A), LogHandlerTest::positive);
    assertEquals(1, lines.size());
    assertTrue(lines.get(0).endsWith("s \"0\""), lines.get(0));
  }

  @Test
  void onlyTheFirstMatchingLogDirectiveLogsAQuery() throws Exception {
    List<String> second = new ArrayList<>();
    LogHandler first = new LogHandler(LogFactory.parse(kit.config("log")), sink);
    LogHandler other = new LogHandler(LogFactory.parse(kit.config("log")), entry -> second.add(entry.render()));
    Request request = Queries.request("example.org.", Type.A);
    Message response = first.handle(PluginTestKit.chain(request, "log",
        next -> other.handle(PluginTestKit.chain(next.request(), "test",
            last -> Responses.completed(positive(last.request()))))))
        .toCompletableFuture().get();
    PluginTestKit.written(request, response);
    assertEquals(1, lines.size());
    assertEquals(List.of(), second);
  }

  @Test
  void metadataPlaceholdersReadTheQuerysMetadata() throws Exception {
    LogHandler handler = new LogHandler(
        LogFactory.parse(kit.config("log . \"{name} {/kubernetes/client-namespace} {/geoip/city/name}\"")), sink);
    Request request = Queries.request("example.org.", Type.A);
    Queries.context(request).metadataSink().put("kubernetes/client-namespace", () -> "team-a");
    run(handler, request, LogHandlerTest::positive);
    assertEquals(List.of("example.org. team-a -"), lines);
  }

  @Test
  void aDroppedQueryLogsNoRcodeOrFlags() throws Exception {
    LogHandler handler = new LogHandler(LogFactory.parse(kit.config("log . \"{name} {rcode} {>rflags} {rsize}\"")), sink);
    Request request = Queries.request("example.org.", Type.A);
    handler.handle(PluginTestKit.chain(request, PluginTestKit.nxdomain())).toCompletableFuture().get();
    PluginTestKit.written(request, null);
    assertEquals(List.of("example.org. - - 0"), lines);
  }

  @Test
  void parsingIsStrict() {
    assertThrows(ConfigException.class, () -> LogFactory.parse(kit.config("log . {\n class sucess\n}")));
    assertThrows(ConfigException.class, () -> LogFactory.parse(kit.config("log . {\n class\n}")));
    assertThrows(ConfigException.class, () -> LogFactory.parse(kit.config("log . {\n level info\n}")));
  }

  @Test
  void classesAccumulateOverOptionLines() throws Exception {
    List<LogRule> rules = LogFactory.parse(kit.config("log . {\n class denial\n class success\n}"));
    assertEquals(Set.of(ResponseClass.DENIAL, ResponseClass.SUCCESS), rules.get(0).classes());
  }

  @Test
  void durationIsPlainSeconds() {
    assertEquals("0.00003799", LogFormat.seconds(37_990));
    assertEquals("1.5", LogFormat.seconds(1_500_000_000L));
  }

  @Test
  void ipv6IsCompressedAsGoPrintsIt() throws Exception {
    assertEquals("[2001:db8::1]", LogFormat.rfc3986(java.net.InetAddress.getByName("2001:db8:0:0:0:0:0:1")));
    assertEquals("[2001:db8:0:1:1:1:1:1]", LogFormat.rfc3986(java.net.InetAddress.getByName("2001:db8:0:1:1:1:1:1")));
  }
}
