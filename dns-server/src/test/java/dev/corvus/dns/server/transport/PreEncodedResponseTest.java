package dev.corvus.dns.server.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.corvus.dns.api.Request;
import dev.corvus.dns.server.routing.ServerQueryContext;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
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

class PreEncodedResponseTest {

  private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 5300);

  private static Message query(int id, OPTRecord opt) {
    Message query = Message.newQuery(Record.newRecord(Name.fromConstantString("WWW.Example.org."), Type.A, DClass.IN));
    query.getHeader().setID(id);
    if (opt != null) {
      query.addRecord(opt, Section.ADDITIONAL);
    }
    return query;
  }

  private static Request request(Message query) {
    return Request.of(query, CLIENT, Transport.UDP, Name.root, "dns://:53",
        new ServerQueryContext(0, false, false, new InlineLoop()));
  }

  private static Message answer(Message query, int records) throws Exception {
    return answer(request(query), records);
  }

  private static Message answer(Request request, int records) throws Exception {
    Message query = request.message();
    Record[] answers = new Record[records];
    for (int i = 0; i < records; i++) {
      answers[i] = new ARecord(query.getQuestion().getName(), DClass.IN, 30, InetAddress.getByAddress(
          new byte[] {10, 0, (byte) (i >> 8), (byte) i}));
    }
    return Responses.answer(request, answers);
  }

  /** The pre-encoded path must give exactly what encoding the message gives. */
  private static void assertSameAsEncoding(Message query, int records, int payload) throws Exception {
    Message plain = answer(query, records);
    plain.getHeader().setID(7);
    Request request = request(query);
    Message preEncoded = Responses.preEncoded(request, answer(request, records), plain.toWire());
    byte[] expected = QueryExecutor.encode(answer(query, records), query, Transport.UDP, payload);
    byte[] actual = QueryExecutor.encodePreEncoded(preEncoded, wireFormOf(request, preEncoded), query,
        Transport.UDP, payload);
    assertNotNull(actual);
    assertArrayEquals(expected, actual);
    // Listeners see the OPT record that was sent.
    assertArrayEquals(expected, new Message(actual).toWire());
  }

  @Test
  void withoutEdnsPatchesTheIdOnly() throws Exception {
    assertSameAsEncoding(query(4242, null), 3, 512);
  }

  @Test
  void withEdnsAppendsTheMirroredOptRecord() throws Exception {
    assertSameAsEncoding(query(0xfedc, new OPTRecord(4096, 0, 0, 0)), 2, 4096);
    assertSameAsEncoding(query(1, new OPTRecord(1400, 0, 0, ExtendedFlags.DO)), 1, 1400);
  }

  private static byte[] wireFormOf(Request request, Message response) {
    return ((ServerQueryContext) request.context()).wireFormOf(response);
  }

  @Test
  void aChangedMessageIsEncodedAgain() throws Exception {
    Message query = query(9, null);
    Request request = request(query);
    Message changedFlag = answer(query, 1);
    Responses.preEncoded(request, changedFlag, changedFlag.toWire());
    changedFlag.getHeader().setFlag(Flags.TC);
    assertNull(wireFormOf(request, changedFlag));
    Message changedRcode = answer(query, 1);
    Responses.preEncoded(request, changedRcode, changedRcode.toWire());
    changedRcode.getHeader().setRcode(Rcode.SERVFAIL);
    assertNull(wireFormOf(request, changedRcode));
    Message changedRecords = answer(query, 1);
    Responses.preEncoded(request, changedRecords, changedRecords.toWire());
    Record first = changedRecords.getSection(Section.ANSWER).get(0);
    changedRecords.removeRecord(first, Section.ANSWER);
    changedRecords.addRecord(new ARecord(first.getName(), DClass.IN, 5, InetAddress.getByName("10.9.9.9")),
        Section.ANSWER);
    assertNull(wireFormOf(request, changedRecords));
    Message reordered = answer(query, 2);
    Responses.preEncoded(request, reordered, reordered.toWire());
    List<Record> records = reordered.getSection(Section.ANSWER);
    Record second = records.get(1);
    reordered.removeRecord(second, Section.ANSWER);
    reordered.getSection(Section.ANSWER);
    Record one = reordered.getSection(Section.ANSWER).get(0);
    reordered.removeRecord(one, Section.ANSWER);
    reordered.addRecord(second, Section.ANSWER);
    reordered.addRecord(one, Section.ANSWER);
    assertNull(wireFormOf(request, reordered), "the same records in another order");
    Message other = answer(query, 1);
    assertNull(wireFormOf(request, other), "a message the wire form was not offered for");
    for (int flag : new int[] {Flags.QR, Flags.AA, Flags.RD, Flags.RA, Flags.AD, Flags.CD}) {
      Message flipped = answer(query, 1);
      Responses.preEncoded(request, flipped, flipped.toWire());
      assertNotNull(wireFormOf(request, flipped), "unchanged");
      if (flipped.getHeader().getFlag(flag)) {
        flipped.getHeader().unsetFlag(flag);
      } else {
        flipped.getHeader().setFlag(flag);
      }
      assertNull(wireFormOf(request, flipped), "flag " + Flags.string(flag) + " flipped");
    }
    Message changedOpcode = answer(query, 1);
    Responses.preEncoded(request, changedOpcode, changedOpcode.toWire());
    changedOpcode.getHeader().setOpcode(org.xbill.DNS.Opcode.NOTIFY);
    assertNull(wireFormOf(request, changedOpcode), "another opcode");
    Message added = answer(query, 1);
    Responses.preEncoded(request, added, added.toWire());
    added.addRecord(new ARecord(Name.fromConstantString("ns.example.org."), DClass.IN, 5,
        InetAddress.getByName("10.9.9.8")), Section.ADDITIONAL);
    assertNull(wireFormOf(request, added), "a record added to an empty section");
    Message unflagged = answer(query, 1);
    Responses.preEncoded(request, unflagged, unflagged.toWire());
    assertNotNull(wireFormOf(request, unflagged), "unchanged");
    unflagged.getHeader().unsetFlag(Flags.AA);
    assertNull(wireFormOf(request, unflagged), "AA cleared");
  }

  @Test
  void aResponseTooLargeForTheClientIsLeftToTruncation() throws Exception {
    Message query = query(3, new OPTRecord(512, 0, 0, 0));
    Request request = request(query);
    Message preEncoded = answer(query, 40);
    Responses.preEncoded(request, preEncoded, preEncoded.toWire());
    assertNull(QueryExecutor.encodePreEncoded(preEncoded, wireFormOf(request, preEncoded), query,
        Transport.UDP, 512));
    byte[] truncated = QueryExecutor.encode(preEncoded, query, Transport.UDP, 512);
    assertNotNull(truncated);
    org.junit.jupiter.api.Assertions.assertTrue(new Message(truncated).getHeader().getFlag(Flags.TC));
  }
}
