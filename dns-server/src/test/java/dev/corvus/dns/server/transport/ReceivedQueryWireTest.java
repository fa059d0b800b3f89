package dev.corvus.dns.server.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.routing.ServerQueryContext;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * {@link ServerQueryContext#receivedQueryWire}: the query's bytes as received are lent only for
 * the very message parsed from them, unchanged, on the thread running the chain, while it runs.
 */
class ReceivedQueryWireTest {

  private static final Name NAME = Name.fromConstantString("WWW.Example.org.");

  /** A query with an OPT record, inside a buffer with bytes before and after it. */
  private static ByteBuffer datagram(byte[] query) {
    ByteBuffer buffer = ByteBuffer.allocate(query.length + 8);
    buffer.position(3);
    buffer.put(query);
    buffer.put(new byte[] {1, 2, 3});
    buffer.flip();
    buffer.position(3);
    return buffer;
  }

  private static byte[] plainQuery() {
    Message query = Message.newQuery(Record.newRecord(NAME, Type.A, DClass.IN));
    query.getHeader().setID(0x1234);
    query.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
    return query.toWire();
  }

  private record Received(ServerQueryContext context, Message query) {}

  private static Received receive(byte[] bytes) throws Exception {
    ByteBuffer buffer = datagram(bytes);
    int start = buffer.position();
    Message query = new Message(buffer);
    ServerQueryContext context = new ServerQueryContext(0, false, false, new InlineLoop());
    context.receivedQuery(query, buffer, start, buffer.position());
    return new Received(context, query);
  }

  @Test
  void theParsedQueryGetsACopyOfItsBytesWithoutWhatFollowsThem() throws Exception {
    byte[] bytes = plainQuery();
    Received received = receive(bytes);
    byte[] copy = received.context().receivedQueryWire(received.query()).orElseThrow();
    assertArrayEquals(bytes, copy);
    copy[0] = 0x55;
    assertArrayEquals(bytes, received.context().receivedQueryWire(received.query()).orElseThrow(),
        "each call gets its own copy");
  }

  @Test
  void anotherMessageOrAChangedOneGetsNothing() throws Exception {
    Received received = receive(plainQuery());
    assertEquals(Optional.empty(), received.context().receivedQueryWire(received.query().clone()));

    received.query().getHeader().setFlag(Flags.CD);
    assertEquals(Optional.empty(), received.context().receivedQueryWire(received.query()), "a flag set");

    Received other = receive(plainQuery());
    other.query().removeRecord(other.query().getOPT(), Section.ADDITIONAL);
    other.query().addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
    assertEquals(Optional.empty(), other.context().receivedQueryWire(other.query()), "the OPT record replaced");

    Received question = receive(plainQuery());
    question.query().removeAllRecords(Section.QUESTION);
    question.query().addRecord(Record.newRecord(NAME, Type.AAAA, DClass.IN), Section.QUESTION);
    assertEquals(Optional.empty(), question.context().receivedQueryWire(question.query()), "the question replaced");
  }

  @Test
  void nothingOnceTheServerIsDoneOrOnAnotherThread() throws Exception {
    Received received = receive(plainQuery());
    Optional<byte[]> elsewhere =
        CompletableFuture.supplyAsync(() -> received.context().receivedQueryWire(received.query())).get();
    assertEquals(Optional.empty(), elsewhere);
    assertTrue(received.context().receivedQueryWire(received.query()).isPresent());
    received.context().forgetReceivedQuery();
    assertEquals(Optional.empty(), received.context().receivedQueryWire(received.query()));
  }

  /** Records beyond the question and an OPT record (a TSIG, an update's) are never lent. */
  @Test
  void aQueryWithOtherRecordsIsNotLent() throws Exception {
    Message query = Message.newQuery(Record.newRecord(NAME, Type.A, DClass.IN));
    query.addRecord(new ARecord(NAME, DClass.IN, 60, new byte[] {10, 0, 0, 1}), Section.ADDITIONAL);
    Received received = receive(query.toWire());
    assertEquals(Optional.empty(), received.context().receivedQueryWire(received.query()));
  }
}
