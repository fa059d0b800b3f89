package dev.corvus.dns.plugin.https;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The wire reading shared by DoH and DoQ, against messages dnsjava writes. */
class DnsWireTest {

  private static final Name NAME = Name.fromConstantString("www.example.org.");
  private static final Name ZONE = Name.fromConstantString("example.org.");

  private static Message response(int rcode, Record... records) {
    Message message = Message.newQuery(Record.newRecord(NAME, Type.A, DClass.IN));
    message.getHeader().setFlag(Flags.QR);
    message.getHeader().setRcode(rcode);
    for (Record record : records) {
      int section = record instanceof SOARecord || record instanceof NSRecord ? Section.AUTHORITY : Section.ANSWER;
      message.addRecord(record, section);
    }
    message.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
    return message;
  }

  private static ARecord a(long ttl) {
    return new ARecord(NAME, DClass.IN, ttl, new byte[] {(byte) 192, 0, 2, 1});
  }

  private static SOARecord soa(long ttl) {
    return new SOARecord(ZONE, DClass.IN, ttl, ZONE, ZONE, 1, 2, 3, 4, 5);
  }

  @Test
  void cacheControlFollowsCoreDnsMinimalTtl() throws Exception {
    Object[][] cases = {
        {"positive: the smallest TTL", response(Rcode.NOERROR, a(300), a(60)), 60},
        {"capped at an hour", response(Rcode.NOERROR, a(86400)), 3600},
        {"NXDOMAIN with SOA", response(Rcode.NXDOMAIN, soa(120)), 120},
        {"NODATA with SOA", response(Rcode.NOERROR, soa(30)), 30},
        {"SERVFAIL", response(Rcode.SERVFAIL), 5},
        {"REFUSED", response(Rcode.REFUSED), 5},
        {"delegation", response(Rcode.NOERROR, new NSRecord(ZONE, DClass.IN, 900, NAME)), 5},
        {"no records", response(Rcode.NOERROR), 5},
        {"a TTL of 0", response(Rcode.NOERROR, a(0)), 0},
    };
    for (Object[] testCase : cases) {
      assertEquals(testCase[2], DnsWire.minimalTtl(((Message) testCase[1]).toWire()), (String) testCase[0]);
    }
  }

  @Test
  void queriesAreCheckedWithoutParsing() throws Exception {
    Message query = Message.newQuery(Record.newRecord(NAME, Type.A, DClass.IN));
    byte[] wire = query.toWire();
    assertTrue(DnsWire.isQuery(ByteBuffer.wrap(wire)));
    assertFalse(DnsWire.isQuery(ByteBuffer.wrap(response(Rcode.NOERROR).toWire())), "a response");
    assertFalse(DnsWire.isQuery(ByteBuffer.wrap(new byte[] {0, 1, 0, 0})), "no header");
    byte[] truncated = java.util.Arrays.copyOf(wire, wire.length - 3);
    assertFalse(DnsWire.isQuery(ByteBuffer.wrap(truncated)), "a question cut short");
    byte[] loop = wire.clone();
    loop[12] = (byte) 0xc0;
    loop[13] = 12; // a pointer to itself
    assertFalse(DnsWire.isQuery(ByteBuffer.wrap(loop)), "a compression loop");
    assertFalse(DnsWire.isQuery(ByteBuffer.wrap("this is not a DNS message at all".getBytes())), "text");
  }

  @Test
  void findsAnEdnsOption() throws Exception {
    Message query = Message.newQuery(Record.newRecord(NAME, Type.A, DClass.IN));
    query.addRecord(new OPTRecord(1232, 0, 0, 0, List.<EDNSOption>of(new GenericEDNSOption(11, new byte[0]))), Section.ADDITIONAL);
    assertTrue(DnsWire.hasEdnsOption(ByteBuffer.wrap(query.toWire()), 11));
    assertFalse(DnsWire.hasEdnsOption(ByteBuffer.wrap(query.toWire()), 10));
    query.getHeader().setID(77);
    assertEquals(77, DnsWire.id(ByteBuffer.wrap(query.toWire())));
  }
}
