package dev.corvus.dns.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.io.IoLoop;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class RequestTest {

  private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);

  /** A context that records what handlers put and offer, on no loop. */
  private static final class RecordingContext implements QueryContext {
    final List<byte[]> offered = new ArrayList<>();
    Object attribute;

    @Override
    public long startNanos() {
      return 1;
    }

    @Override
    public boolean explaining() {
      return false;
    }

    @Override
    public boolean overloaded() {
      return false;
    }

    @Override
    public String respondedBy() {
      return "";
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(Key<T> key) {
      return (T) attribute;
    }

    @Override
    public <T> void put(Key<T> key, T value) {
      attribute = value;
    }

    @Override
    public void onWritten(ResponseListener listener) {}

    @Override
    public Optional<String> metadata(String label) {
      return Optional.empty();
    }

    @Override
    public IoLoop loop() {
      return null;
    }

    @Override
    public void offerWireForm(Message response, byte[] wire) {
      offered.add(wire);
    }
  }

  private static Message query(String name, int type) {
    Message query = Message.newQuery(Record.newRecord(Name.fromConstantString(name), type, DClass.IN));
    query.getHeader().setID(4242);
    return query;
  }

  @Test
  void readsTheQuestionAndClientLimits() {
    Message query = query("WWW.Example.org.", Type.AAAA);
    query.getHeader().setFlag(Flags.CD);
    query.addRecord(new OPTRecord(4096, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
    Request request = Request.of(query, CLIENT, Transport.TCP, Name.root, "dns://:53", new RecordingContext());
    assertEquals("www.example.org.", request.lowerName());
    assertEquals(Type.AAAA, request.qtype());
    assertEquals(4096, request.udpPayloadSize());
    assertTrue(request.dnssecOk());
    assertTrue(request.checkingDisabled());
    assertEquals(4242, request.id());
    assertTrue(request.isIn(Name.fromConstantString("example.org.")));
    Request plain = request.withMessage(query("a.example.", Type.A));
    assertEquals(512, plain.udpPayloadSize());
    assertFalse(plain.dnssecOk());
    assertSame(request.context(), plain.context(), "a derived request shares its query's context");
  }

  @Test
  void aRequestNeedsAQuestion() {
    Message empty = new Message(1);
    assertThrows(IllegalArgumentException.class,
        () -> Request.of(empty, CLIENT, Transport.UDP, Name.root, "dns://:53", new RecordingContext()));
  }

  @Test
  void aDetachedRequestHasAContextOfItsOwn() {
    RecordingContext context = new RecordingContext();
    Request request = Request.of(query("a.example.", Type.A), CLIENT, Transport.UDP, Name.root, "dns://:53", context);
    QueryContext.Key<String> key = new QueryContext.Key<>("k");
    request.context().put(key, "client's");
    Request detached = request.detached(99);
    assertEquals(99, detached.context().startNanos());
    assertNull(detached.context().get(key));
    detached.context().put(key, "refresh's");
    assertEquals("client's", request.context().get(key));
    Responses.preEncoded(detached, Responses.reply(detached), new byte[12]);
    assertTrue(context.offered.isEmpty(), "nothing offered for a detached query reaches the client's context");
  }

  @Test
  void responsesMirrorTheQueryAndOfferTheirWireForm() {
    RecordingContext context = new RecordingContext();
    Message query = query("a.example.", Type.A);
    Request request = Request.of(query, CLIENT, Transport.UDP, Name.root, "dns://:53", context);
    Message reply = Responses.reply(request);
    assertEquals(4242, reply.getHeader().getID());
    assertTrue(reply.getHeader().getFlag(Flags.QR));
    assertTrue(reply.getHeader().getFlag(Flags.RD));
    assertFalse(reply.getHeader().getFlag(Flags.AA));
    assertTrue(Responses.answer(request).getHeader().getFlag(Flags.AA));
    assertEquals(Rcode.NXDOMAIN, Responses.error(request, Rcode.NXDOMAIN).getRcode());
    byte[] wire = reply.toWire();
    assertSame(reply, Responses.preEncoded(request, reply, wire));
    assertSame(wire, context.offered.get(0));
  }

  @Test
  void aDnsExceptionIsASignalWithoutAStackTrace() {
    DnsException error = new DnsException(Rcode.REFUSED, "no");
    assertEquals(0, error.getStackTrace().length);
    assertTrue(DnsException.drop("acl").isDrop());
    assertFalse(DnsException.drop("acl").isShed());
    assertTrue(DnsException.shed("load").isShed());
    assertTrue(DnsException.shed("load").isDrop());
  }
}
