package dev.corvus.dns.plugin.forward;

import static dev.corvus.dns.plugin.forward.ForwardHarness.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Placement;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Issue #27: a forwarded answer is relayed as the upstream sent it, not parsed and encoded again,
 * whenever nothing after the forward changes it. The upstream ({@link RawUpstream}) writes a form
 * no encoder writes (the answer's owner name spelled out instead of compressed), so the bytes the
 * client receives show which way they came. A real server on loopback, clients on UDP sockets.
 */
class RelayedAnswerTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private static Corvus server(String forward, PluginFactory... plugins) throws Exception {
    Corvus.Builder builder = Corvus.builder().corefile(".:0 {\n " + forward + "\n}\n").dnsPort(0);
    for (PluginFactory plugin : plugins) {
      builder.plugin(plugin);
    }
    return builder.start();
  }

  private static Message query(String name, OPTRecord opt) {
    Message query = Message.newQuery(Record.newRecord(Name.fromConstantString(name), Type.A, DClass.IN));
    query.getHeader().setFlag(Flags.RD);
    if (opt != null) {
      query.addRecord(opt, Section.ADDITIONAL);
    }
    return query;
  }

  /** Where the answer section starts: after the header and the one question. */
  private static int answerStart(byte[] wire) {
    int at = 12;
    while (wire[at] != 0) {
      at += 1 + wire[at];
    }
    return at + 1 + 4;
  }

  /** Whether the answer's owner name is a compression pointer: the server encoded the message. */
  private static boolean reencoded(byte[] response) {
    return (response[answerStart(response)] & 0xc0) == 0xc0;
  }

  @Test
  void anAnswerIsRelayedWithTheClientsIdAndQuestion() throws Exception {
    try (RawUpstream up = new RawUpstream();
        Corvus server = server("forward . " + up.hostPort())) {
      DnsClient client = new DnsClient(server.udpAddress(), TIMEOUT);
      // Lower case: the server's encoder would compress the owner name against the question.
      byte[] query = query("www.example.org.", null).toWire();
      byte[] response = client.udpRaw(query);
      // The upstream answered the forward's query, sent under another ID; the client gets exactly
      // what the upstream wrote, with its own ID.
      assertArrayEquals(RawUpstream.write(query, RawUpstream.Opt.PLAIN), response);
      assertFalse(reencoded(response));
    }
  }

  /**
   * The upstream's OPT record is hop-by-hop: the one that says only "EDNS0" is cut from the relayed
   * bytes and the server appends its own, as it does for every response (its payload size, the
   * client's DO bit).
   */
  @Test
  void theUpstreamsPlainOptRecordIsReplacedByTheServersOwn() throws Exception {
    try (RawUpstream up = new RawUpstream();
        Corvus server = server("forward . " + up.hostPort())) {
      DnsClient client = new DnsClient(server.udpAddress(), TIMEOUT);
      byte[] query = query("www.example.org.", new OPTRecord(1232, 0, 0)).toWire();
      byte[] response = client.udpRaw(query);
      assertFalse(reencoded(response));
      byte[] upstream = RawUpstream.write(query, RawUpstream.Opt.PLAIN);
      int optAt = upstream.length - 11;
      assertArrayEquals(Arrays.copyOfRange(upstream, 2, optAt), Arrays.copyOfRange(response, 2, optAt),
          "everything but the ID and the OPT record as the upstream wrote it");
      Message parsed = new Message(response);
      assertEquals(1, parsed.getSection(Section.ADDITIONAL).size());
      OPTRecord opt = parsed.getOPT();
      assertNotNull(opt);
      assertTrue(opt.getPayloadSize() != 4096, "the server's payload size, not the upstream's");
      assertEquals(0, opt.getFlags());
      assertTrue(opt.getOptions().isEmpty());
    }
  }

  /** The cache reads the DO bit from responses: such answers are left to be encoded as before. */
  @Test
  void anAnswerWithTheDoBitIsEncodedAsBefore() throws Exception {
    try (RawUpstream up = new RawUpstream();
        Corvus server = server("forward . " + up.hostPort())) {
      up.opt(RawUpstream.Opt.ECHO_DO);
      DnsClient client = new DnsClient(server.udpAddress(), TIMEOUT);
      byte[] response = client.udpRaw(query("www.example.org.", new OPTRecord(1232, 0, 0, ExtendedFlags.DO)).toWire());
      assertTrue(reencoded(response));
      Message parsed = new Message(response);
      assertEquals(ExtendedFlags.DO, parsed.getOPT().getFlags() & ExtendedFlags.DO);
      assertEquals("192.0.2.1", ((ARecord) parsed.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress());
    }
  }

  /** EDNS options of the upstream's answer are mirrored by the server's encoder, as before. */
  @Test
  void anAnswerWithEdnsOptionsIsEncodedWithThemMirrored() throws Exception {
    try (RawUpstream up = new RawUpstream();
        Corvus server = server("forward . " + up.hostPort())) {
      up.opt(RawUpstream.Opt.NSID);
      DnsClient client = new DnsClient(server.udpAddress(), TIMEOUT);
      byte[] response = client.udpRaw(query("www.example.org.", new OPTRecord(1232, 0, 0)).toWire());
      assertTrue(reencoded(response));
      List<EDNSOption> options = new Message(response).getOPT().getOptions(EDNSOption.Code.NSID);
      assertEquals(1, options.size());
      assertArrayEquals(new byte[] {0, 3, 0, 2, 'u', 'p'}, options.get(0).toWire(), "NSID \"up\"");
    }
  }

  @Test
  void anAnswerOverTcpIsRelayedToo() throws Exception {
    try (RawUpstream up = new RawUpstream();
        Corvus server = server("forward . " + up.hostPort() + " {\n  force_tcp\n }")) {
      DnsClient client = new DnsClient(server.udpAddress(), TIMEOUT);
      byte[] query = query("tcp.example.org.", null).toWire();
      assertArrayEquals(RawUpstream.write(query, RawUpstream.Opt.PLAIN), client.udpRaw(query));
    }
  }

  /** A handler that changes the response on its way out gets it encoded again. */
  @Test
  void aResponseChangedAfterTheForwardIsEncodedAgain() throws Exception {
    try (RawUpstream up = new RawUpstream();
        Corvus server = server("forward . " + up.hostPort() + "\n setad", new SetAdFactory())) {
      DnsClient client = new DnsClient(server.udpAddress(), TIMEOUT);
      byte[] response = client.udpRaw(query("www.example.org.", null).toWire());
      assertTrue(reencoded(response));
      Message parsed = new Message(response);
      assertTrue(parsed.getHeader().getFlag(Flags.AD));
      assertEquals("192.0.2.1", ((ARecord) parsed.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress());
    }
  }

  /**
   * Identical questions in flight share one upstream exchange; each client still gets the
   * upstream's bytes with its own ID and its own spelling of the question.
   */
  @Test
  void clientsSharingOneExchangeEachGetTheirOwnIdAndSpelling() throws Exception {
    String[] spellings = {"herd.example.org.", "HERD.EXAMPLE.ORG.", "Herd.Example.Org.", "hErD.eXaMpLe.OrG."};
    ExecutorService clients = Executors.newFixedThreadPool(8);
    AtomicInteger arrived = new AtomicInteger();
    try (RawUpstream up = new RawUpstream();
        Corvus server = server("forward . " + up.hostPort() + "\n counting", new CountingFactory(arrived))) {
      DnsClient client = new DnsClient(server.udpAddress(), TIMEOUT);
      up.hold();
      List<byte[]> queries = new ArrayList<>();
      List<Future<byte[]>> responses = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        byte[] query = query(spellings[i % spellings.length], null).toWire();
        queries.add(query);
        responses.add(clients.submit(() -> client.udpRaw(query)));
      }
      awaitTrue("every query reached the forward while the upstream holds the first", () -> arrived.get() == 8);
      up.release();
      for (int i = 0; i < 8; i++) {
        assertArrayEquals(RawUpstream.write(queries.get(i), RawUpstream.Opt.PLAIN), responses.get(i).get(),
            "client " + i + " (" + spellings[i % spellings.length] + ")");
      }
      assertEquals(1, up.queries(), "one upstream exchange for the 8 clients");
    } finally {
      clients.shutdownNow();
    }
  }

  /**
   * The client's query as it is written here, with the OPT record's owner (the root) a
   * compression pointer to the end of the question's name: legal, and a form no encoder writes,
   * so the upstream's copy shows whether the forward sent the client's bytes or encoded the query.
   */
  private static byte[] queryWithPointerToRoot(String name) {
    byte[] plain = query(name, new OPTRecord(1232, 0, 0)).toWire();
    int root = 12;
    while (plain[root] != 0) {
      root += 1 + plain[root];
    }
    int optAt = root + 1 + 4;
    byte[] query = new byte[plain.length + 1];
    System.arraycopy(plain, 0, query, 0, optAt);
    query[optAt] = (byte) 0xc0;
    query[optAt + 1] = (byte) root;
    System.arraycopy(plain, optAt + 1, query, optAt + 2, plain.length - optAt - 1);
    return query;
  }

  /** Issue #27: a query nothing changed is sent upstream as the client wrote it, with a new ID. */
  @Test
  void theClientsQueryIsSentAsItCameUnderANewId() throws Exception {
    try (RawUpstream up = new RawUpstream();
        Corvus server = server("forward . " + up.hostPort())) {
      DnsClient client = new DnsClient(server.udpAddress(), TIMEOUT);
      byte[] query = queryWithPointerToRoot("bytes.example.org.");
      byte[] response = client.udpRaw(query);
      assertEquals("192.0.2.1",
          ((ARecord) new Message(response).getSection(Section.ANSWER).get(0)).getAddress().getHostAddress());
      byte[] sent = up.lastQuery();
      assertArrayEquals(Arrays.copyOfRange(query, 2, query.length), Arrays.copyOfRange(sent, 2, sent.length),
          "the client's bytes after the ID");
    }
  }

  /** A query a handler before the forward changed in place is encoded as it is now. */
  @Test
  void aQueryChangedBeforeTheForwardIsEncoded() throws Exception {
    try (RawUpstream up = new RawUpstream();
        Corvus server = server("forward . " + up.hostPort() + "\n setcd", new SetCdFactory())) {
      DnsClient client = new DnsClient(server.udpAddress(), TIMEOUT);
      byte[] query = queryWithPointerToRoot("changed.example.org.");
      client.udpRaw(query);
      Message sent = new Message(up.lastQuery());
      assertTrue(sent.getHeader().getFlag(Flags.CD), "the flag the handler set");
      Message expected = new Message(query);
      expected.getHeader().setFlag(Flags.CD);
      expected.getHeader().setID(sent.getHeader().getID());
      assertArrayEquals(expected.toWire(), up.lastQuery(), "the query encoded, the OPT owner no pointer");
    }
  }

  /** Test directive {@code setcd}: sets CD on the query itself before passing it on. */
  static final class SetCdFactory implements PluginFactory {
    @Override
    public String directive() {
      return "setcd";
    }

    @Override
    public Placement placement() {
      return Placement.before("forward");
    }

    @Override
    public Plugin create(ConfigReader config, PluginContext context) {
      return Plugin.of(chain -> {
        chain.request().message().getHeader().setFlag(Flags.CD);
        return chain.proceed(chain.request());
      });
    }
  }

  /** Test directive {@code counting}: counts the queries that reach it (placed before forward). */
  static final class CountingFactory implements PluginFactory {
    private final AtomicInteger count;

    CountingFactory(AtomicInteger count) {
      this.count = count;
    }

    @Override
    public String directive() {
      return "counting";
    }

    @Override
    public Placement placement() {
      return Placement.before("forward");
    }

    @Override
    public Plugin create(ConfigReader config, PluginContext context) {
      return Plugin.of(chain -> {
        count.incrementAndGet();
        return chain.proceed(chain.request());
      });
    }
  }

  /** Test directive {@code setad}: sets the AD flag of every response on its way out (placed before forward). */
  static final class SetAdFactory implements PluginFactory {
    @Override
    public String directive() {
      return "setad";
    }

    @Override
    public Placement placement() {
      return Placement.before("forward");
    }

    @Override
    public Plugin create(ConfigReader config, PluginContext context) {
      Handler handler = chain -> chain.proceed(chain.request()).thenApply(response -> {
        response.getHeader().setFlag(Flags.AD);
        return response;
      });
      return Plugin.of(handler);
    }
  }
}
