package dev.corvus.dns.plugin.forward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSIDOption;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/** Which upstream answers can be relayed as they came, and what exactly is relayed. */
class RelayWireTest {

  private static final Name NAME = Name.fromConstantString("www.example.org.");

  private static Message answer(OPTRecord opt) throws Exception {
    Message message = new Message(0x1234);
    message.getHeader().setFlag(Flags.QR);
    message.getHeader().setFlag(Flags.RD);
    message.getHeader().setFlag(Flags.RA);
    message.addRecord(Record.newRecord(NAME, Type.A, DClass.IN), Section.QUESTION);
    Name target = Name.fromConstantString("cdn.example.net.");
    message.addRecord(new CNAMERecord(NAME, DClass.IN, 300, target), Section.ANSWER);
    message.addRecord(new ARecord(target, DClass.IN, 60, InetAddress.getByName("192.0.2.1")), Section.ANSWER);
    message.addRecord(new ARecord(target, DClass.IN, 60, InetAddress.getByName("192.0.2.2")), Section.ANSWER);
    if (opt != null) {
      message.addRecord(opt, Section.ADDITIONAL);
    }
    return message;
  }

  private static byte[] strip(byte[] wire, Message parsed) {
    return RelayWire.strip(ByteBuffer.wrap(wire), 0, wire.length, parsed);
  }

  @Test
  void aPlainOptRecordIsCutFromTheBytesAndTheMessage() throws Exception {
    byte[] wire = answer(new OPTRecord(4096, 0, 0)).toWire();
    Message parsed = new Message(wire);
    byte[] relayed = strip(wire, parsed);
    assertNotNull(relayed);
    assertNull(parsed.getOPT());
    assertEquals(0, parsed.getHeader().getCount(Section.ADDITIONAL));
    assertArrayEquals(parsed.toWire(), relayed, "exactly what the message encodes to");
    assertArrayEquals(Arrays.copyOf(wire, 10), Arrays.copyOf(relayed, 10), "the header but the additional count");
    assertEquals(0, relayed[10] | relayed[11]);
    assertArrayEquals(Arrays.copyOfRange(wire, 12, wire.length - 11), Arrays.copyOfRange(relayed, 12, relayed.length),
        "the upstream's records without the OPT record");
  }

  @Test
  void anAnswerWithoutOptIsRelayedWholeWithoutTrailingBytes() throws Exception {
    byte[] wire = answer(null).toWire();
    byte[] padded = Arrays.copyOf(wire, wire.length + 3);
    Message parsed = new Message(padded);
    assertArrayEquals(wire, strip(padded, parsed));
    assertArrayEquals(parsed.toWire(), wire);
  }

  @Test
  void optRecordsCarryingMoreThanEdns0AreLeftToTheEncoder() throws Exception {
    List<OPTRecord> opts = List.of(
        new OPTRecord(4096, 0, 0, ExtendedFlags.DO),
        new OPTRecord(4096, 1, 0, 0),
        new OPTRecord(4096, 0, 1, 0),
        new OPTRecord(4096, 0, 0, 0, List.of(new NSIDOption(new byte[] {'u', 'p'}))));
    for (OPTRecord opt : opts) {
      byte[] wire = answer(opt).toWire();
      Message parsed = new Message(wire);
      assertNull(strip(wire, parsed), opt.toString());
      assertNotNull(parsed.getOPT(), "the message is left as it was: " + opt);
    }
  }

  @Test
  void layoutsTheCutCannotHandleAreLeftToTheEncoder() throws Exception {
    Message optNotLast = answer(new OPTRecord(4096, 0, 0));
    optNotLast.addRecord(new ARecord(Name.fromConstantString("ns.example.org."), DClass.IN, 60,
        InetAddress.getByName("192.0.2.53")), Section.ADDITIONAL);
    byte[] wire = optNotLast.toWire();
    assertNull(strip(wire, new Message(wire)), "an OPT record before another additional record");

    Message twoQuestions = answer(null);
    twoQuestions.addRecord(Record.newRecord(Name.fromConstantString("other.example."), Type.A, DClass.IN),
        Section.QUESTION);
    wire = twoQuestions.toWire();
    assertNull(strip(wire, new Message(wire)), "two questions");

    Message signed = answer(new OPTRecord(4096, 0, 0));
    signed.setTSIG(new TSIG(TSIG.HMAC_SHA256, "key.", "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"), Rcode.NOERROR, null);
    wire = signed.toWire(65535);
    assertNull(strip(wire, new Message(wire)), "a TSIG record");

    byte[] cut = Arrays.copyOf(answer(null).toWire(), 40);
    assertNull(RelayWire.strip(ByteBuffer.wrap(cut), 0, cut.length, answer(null)), "records past the end");
  }

  @Test
  void theClientsSpellingOfTheQuestionIsWrittenOverACopy() throws Exception {
    byte[] wire = strip(answer(null).toWire(), new Message(answer(null).toWire()));
    byte[] original = wire.clone();

    assertSame(wire, RelayWire.forClient(wire, Name.fromConstantString("www.example.org.")), "spelled alike: no copy");

    byte[] mixed = RelayWire.forClient(wire, Name.fromConstantString("WwW.eXaMpLe.OrG."));
    assertNotNull(mixed);
    assertEquals("WwW.eXaMpLe.OrG.", new Message(mixed).getQuestion().getName().toString());
    assertArrayEquals(original, wire, "the shared bytes are left as they were");
    assertArrayEquals(Arrays.copyOfRange(wire, 12 + NAME.length(), wire.length),
        Arrays.copyOfRange(mixed, 12 + NAME.length(), mixed.length), "only the question's name differs");

    assertNull(RelayWire.forClient(wire, Name.fromConstantString("www.example.com.")));
    assertNull(RelayWire.forClient(wire, Name.fromConstantString("a-much-longer-name-than-the-answer-has.example.org.")));
  }

  @Test
  void aQuestionSpelledAsSentIsRecognisedByteForByte() throws Exception {
    byte[] wire = strip(answer(null).toWire(), new Message(answer(null).toWire()));
    Message sent = Message.newQuery(Record.newRecord(NAME, Type.A, DClass.IN));
    assertTrue(RelayWire.sameQuestionName(wire, sent.toWire()));
    Message otherCase = Message.newQuery(Record.newRecord(Name.fromConstantString("WWW.example.org."), Type.A, DClass.IN));
    assertFalse(RelayWire.sameQuestionName(wire, otherCase.toWire()));
    Message otherName = Message.newQuery(Record.newRecord(Name.fromConstantString("www.example.com."), Type.A, DClass.IN));
    assertFalse(RelayWire.sameQuestionName(wire, otherName.toWire()));

    UpstreamAnswer reply = new UpstreamAnswer(new Message(wire), wire);
    assertSame(sent, reply.checkedAgainst(sent, sent.toWire()).spelledAsIn());
    assertNull(reply.checkedAgainst(otherCase, otherCase.toWire()).spelledAsIn());
  }
}
