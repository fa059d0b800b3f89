package dev.corvus.dns.plugin.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

class MessageLayoutTest {

  @Test
  void findsTheTtlOfEveryRecordInACompressedMessage() throws Exception {
    Name owner = Name.fromString("www.Example.org.");
    Name target = Name.fromString("web.example.org.");
    Message message = Message.newQuery(Record.newRecord(owner, Type.A, DClass.IN));
    message.addRecord(new CNAMERecord(owner, DClass.IN, 11, target), Section.ANSWER);
    message.addRecord(new ARecord(target, DClass.IN, 22, InetAddress.getByName("192.0.2.1")), Section.ANSWER);
    message.addRecord(new SOARecord(Name.fromString("example.org."), DClass.IN, 33, Name.fromString("ns.example.org."),
        Name.fromString("admin.example.org."), 1, 2, 3, 4, 5), Section.AUTHORITY);
    message.addRecord(new AAAARecord(target, DClass.IN, 44, InetAddress.getByName("2001:db8::1")), Section.ADDITIONAL);
    message.addRecord(new TXTRecord(target, DClass.IN, 55, "x".repeat(200)), Section.ADDITIONAL);
    byte[] wire = message.toWire();

    List<Long> found = new ArrayList<>();
    for (int offset : MessageLayout.ttlOffsets(wire)) {
      found.add(((wire[offset] & 0xffL) << 24) | ((wire[offset + 1] & 0xffL) << 16)
          | ((wire[offset + 2] & 0xffL) << 8) | (wire[offset + 3] & 0xffL));
    }
    assertArrayEquals(new Long[] {11L, 22L, 33L, 44L, 55L}, found.toArray(new Long[0]));
  }
}
