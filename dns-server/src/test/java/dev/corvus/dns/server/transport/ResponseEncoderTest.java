package dev.corvus.dns.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class ResponseEncoderTest {

  private static Record rr(String name, int type, String rdata) throws Exception {
    return Record.fromString(Name.fromString(name), type, DClass.IN, 300, rdata, Name.root);
  }

  private static Message response(String qname, int qtype) throws Exception {
    Message m = new Message(4711);
    m.getHeader().setFlag(Flags.QR);
    m.addRecord(Record.newRecord(Name.fromString(qname), qtype, DClass.IN), Section.QUESTION);
    return m;
  }

  private static List<String> names(Message m, int section) {
    return m.getSection(section).stream().map(r -> r.getName().toString()).toList();
  }

  @Test
  void recordsKeepTheirCaseWhenTheQuestionIsSpelledOtherwise() throws Exception {
    Message m = response("mIeK.NL.", Type.AAAA);
    m.addRecord(rr("miek.nl.", Type.AAAA, "2a01:7e00::f03c:91ff:fef1:6735"), Section.ANSWER);
    m.addRecord(rr("miek.nl.", Type.NS, "ns-ext.nlnetlabs.nl."), Section.AUTHORITY);

    Message decoded = new Message(ResponseEncoder.encode(m, 512));

    assertEquals("mIeK.NL.", decoded.getQuestion().getName().toString());
    assertEquals(List.of("miek.nl."), names(decoded, Section.ANSWER));
    assertEquals("ns-ext.nlnetlabs.nl.", decoded.getSection(Section.AUTHORITY).get(0).rdataToString());
  }

  @Test
  void srvTargetsShortenTheOwnersOfTheirAddresses() throws Exception {
    // CoreDNS's headless-service answer: five SRV targets and their addresses fit 512 bytes
    Message m = response("_http._tcp.hdls1.testns.svc.cluster.local.", Type.SRV);
    String[] targets = {"172-0-0-2", "172-0-0-3", "172-0-0-4", "172-0-0-5", "5678-abcd--1"};
    for (String target : targets) {
      m.addRecord(rr("_http._tcp.hdls1.testns.svc.cluster.local.", Type.SRV,
          "0 20 80 " + target + ".hdls1.testns.svc.cluster.local."), Section.ANSWER);
    }
    for (int i = 0; i < 4; i++) {
      m.addRecord(rr(targets[i] + ".hdls1.testns.svc.cluster.local.", Type.A, "172.0.0." + (i + 2)), Section.ADDITIONAL);
    }
    m.addRecord(rr("5678-abcd--1.hdls1.testns.svc.cluster.local.", Type.AAAA, "5678:abcd::1"), Section.ADDITIONAL);
    m.addRecord(rr("5678-abcd--1.hdls1.testns.svc.cluster.local.", Type.AAAA, "5678:abcd::2"), Section.ADDITIONAL);

    byte[] wire = ResponseEncoder.encode(m, 512);
    Message decoded = new Message(wire);

    assertTrue(wire.length < m.toWire().length, wire.length + " bytes, dnsjava " + m.toWire().length);
    assertFalse(decoded.getHeader().getFlag(Flags.TC));
    assertEquals(m.getSection(Section.ANSWER), decoded.getSection(Section.ANSWER));
    assertEquals(m.getSection(Section.ADDITIONAL), decoded.getSection(Section.ADDITIONAL));
  }

  @Test
  void everyRecordTypeRoundTrips() throws Exception {
    Message m = response("example.org.", Type.ANY);
    m.addRecord(rr("example.org.", Type.SOA, "ns.example.org. admin.example.org. 1 7200 3600 1209600 300"), Section.ANSWER);
    m.addRecord(rr("example.org.", Type.MX, "10 mail.example.org."), Section.ANSWER);
    m.addRecord(rr("www.example.org.", Type.CNAME, "example.org."), Section.ANSWER);
    m.addRecord(rr("1.2.0.192.in-addr.arpa.", Type.PTR, "www.example.org."), Section.ANSWER);
    m.addRecord(rr("example.org.", Type.NAPTR, "100 50 \"s\" \"SIP+D2U\" \"\" _sip._udp.example.org."), Section.ANSWER);
    m.addRecord(rr("_sip._udp.example.org.", Type.SRV, "0 5 5060 sip.example.org."), Section.ANSWER);
    m.addRecord(rr("example.org.", Type.HTTPS, "1 svc.example.org. alpn=h2"), Section.ANSWER);
    m.addRecord(rr("dname.example.org.", Type.DNAME, "example.net."), Section.ANSWER);
    m.addRecord(rr("example.org.", Type.TXT, "\"v=spf1 -all\""), Section.ANSWER);
    m.addRecord(rr("sip.example.org.", Type.A, "192.0.2.5"), Section.ADDITIONAL);

    Message decoded = new Message(ResponseEncoder.encode(m, 65535));

    assertEquals(m.getSection(Section.ANSWER), decoded.getSection(Section.ANSWER));
    assertEquals(m.getSection(Section.ADDITIONAL), decoded.getSection(Section.ADDITIONAL));
    assertEquals(4711, decoded.getHeader().getID());
  }

  @Test
  void anAnswerThatDoesNotFitIsCutAtAnRrsetAndSetsTc() throws Exception {
    Message m = response("big.example.org.", Type.TXT);
    m.addRecord(rr("big.example.org.", Type.TXT, "\"" + "a".repeat(200) + "\""), Section.ANSWER);
    m.addRecord(rr("big.example.org.", Type.TXT, "\"" + "b".repeat(200) + "\""), Section.ANSWER);
    m.addRecord(rr("other.example.org.", Type.TXT, "\"" + "c".repeat(200) + "\""), Section.ANSWER);

    Message decoded = new Message(ResponseEncoder.encode(m, 512));

    assertTrue(decoded.getHeader().getFlag(Flags.TC));
    assertEquals(List.of("big.example.org.", "big.example.org."), names(decoded, Section.ANSWER));
  }

  @Test
  void additionalRecordsThatDoNotFitAreDroppedWithoutTc() throws Exception {
    Message m = response("example.org.", Type.MX);
    m.addRecord(rr("example.org.", Type.MX, "10 mail.example.org."), Section.ANSWER);
    for (int i = 0; i < 40; i++) {
      m.addRecord(rr("mail.example.org.", Type.A, "192.0.2." + i), Section.ADDITIONAL);
    }
    m.addRecord(rr("mail.example.org.", Type.AAAA, "2001:db8::1"), Section.ADDITIONAL);

    Message decoded = new Message(ResponseEncoder.encode(m, 512));

    assertFalse(decoded.getHeader().getFlag(Flags.TC));
    assertEquals(1, decoded.getSection(Section.ANSWER).size());
    assertEquals(List.of(), decoded.getSection(Section.ADDITIONAL), "the A RRset does not fit; nothing after it is tried");
  }

  @Test
  void inDomainGlueOfAReferralIsRequired() throws Exception {
    Message m = response("www.child.example.org.", Type.A);
    m.addRecord(rr("child.example.org.", Type.NS, "ns.child.example.org."), Section.AUTHORITY);
    for (int i = 0; i < 40; i++) {
      m.addRecord(rr("ns.child.example.org.", Type.A, "192.0.2." + i), Section.ADDITIONAL);
    }

    Message decoded = new Message(ResponseEncoder.encode(m, 512));

    assertTrue(decoded.getHeader().getFlag(Flags.TC));
    assertEquals(1, decoded.getSection(Section.AUTHORITY).size());
  }

  @Test
  void theOptRecordIsKeptLastAndCounted() throws Exception {
    Message m = response("big.example.org.", Type.TXT);
    m.addRecord(rr("big.example.org.", Type.TXT, "\"" + "a".repeat(240) + "\" \"" + "b".repeat(200) + "\""), Section.ANSWER);
    m.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);

    byte[] wire = ResponseEncoder.encode(m, 512);
    Message decoded = new Message(wire);

    assertTrue(wire.length <= 512, wire.length + " bytes");
    assertEquals(1232, decoded.getOPT().getPayloadSize());
    assertEquals(1, decoded.getSection(Section.ANSWER).size());
    assertFalse(decoded.getHeader().getFlag(Flags.TC));
  }
}
