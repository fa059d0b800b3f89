package dev.corvus.dns.server.proxyproto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.net.Cidr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProxyHeaderTest {

  /** A v2 header: command 1 (PROXY) or 0 (LOCAL), family byte, source and destination. */
  static byte[] v2(int command, int family, InetSocketAddress source, InetSocketAddress destination, byte[] tlvs) {
    byte[] src = source.getAddress().getAddress();
    byte[] dst = destination.getAddress().getAddress();
    ByteBuffer out = ByteBuffer.allocate(16 + src.length * 2 + 4 + tlvs.length);
    out.put(ProxyHeader.V2_SIGNATURE).put((byte) (0x20 | command)).put((byte) family)
        .putShort((short) (src.length * 2 + 4 + tlvs.length))
        .put(src).put(dst).putShort((short) source.getPort()).putShort((short) destination.getPort()).put(tlvs);
    return out.array();
  }

  private static ProxyHeader.Parse parse(byte[] bytes) {
    return ProxyHeader.parse(ByteBuffer.wrap(bytes));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void readsAVersion2UdpHeaderOverIpv4AndLeavesThePayload() throws Exception {
    InetSocketAddress client = new InetSocketAddress(InetAddress.getByName("203.0.113.7"), 4242);
    byte[] header = v2(1, 0x12, client, new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 53), new byte[0]);
    ByteBuffer datagram = ByteBuffer.wrap(concat(header, new byte[] {1, 2, 3}));
    ProxyHeader.Parse parsed = ProxyHeader.parse(datagram);
    assertEquals(ProxyHeader.Kind.HEADER, parsed.kind());
    assertEquals(new ProxyHeader(28, 2, client, true), parsed.header());
    assertEquals(0, datagram.position(), "the buffer is not consumed");
  }

  @Test
  void readsAVersion2TcpHeaderOverIpv6WithTlvs() throws Exception {
    InetSocketAddress client = new InetSocketAddress(InetAddress.getByName("2001:db8::5"), 6000);
    byte[] tlv = {0x04, 0x00, 0x01, 0x00}; // PP2_TYPE_NOOP, one byte
    ProxyHeader.Parse parsed = parse(v2(1, 0x21, client, new InetSocketAddress(InetAddress.getByName("::1"), 53), tlv));
    assertEquals(new ProxyHeader(16 + 36 + 4, 2, client, false), parsed.header());
  }

  @Test
  void aLocalCommandNamesNoClient() throws Exception {
    InetSocketAddress any = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 1);
    ProxyHeader.Parse parsed = parse(v2(0, 0x11, any, any, new byte[0]));
    assertEquals(ProxyHeader.Kind.HEADER, parsed.kind());
    assertNull(parsed.header().source());
  }

  @Test
  void readsVersion1Lines() throws Exception {
    ProxyHeader.Parse tcp4 = parse("PROXY TCP4 198.51.100.9 127.0.0.1 5555 53\r\nrest".getBytes(StandardCharsets.US_ASCII));
    assertEquals(new ProxyHeader(43, 1, new InetSocketAddress(InetAddress.getByName("198.51.100.9"), 5555), false),
        tcp4.header());
    ProxyHeader.Parse tcp6 = parse("PROXY TCP6 2001:db8::9 ::1 5555 53\r\n".getBytes(StandardCharsets.US_ASCII));
    assertEquals(InetAddress.getByName("2001:db8::9"), tcp6.header().source().getAddress());
    ProxyHeader.Parse unknown = parse("PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII));
    assertEquals(ProxyHeader.Kind.HEADER, unknown.kind());
    assertNull(unknown.header().source());
  }

  @Test
  void waitsForTheRestOfAHeaderSplitAcrossReads() throws Exception {
    byte[] line = "PROXY TCP4 198.51.100.9 127.0.0.1 5555 53\r\n".getBytes(StandardCharsets.US_ASCII);
    InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 1);
    byte[] binary = v2(1, 0x11, a, a, new byte[0]);
    for (byte[] header : List.of(line, binary)) {
      for (int cut = 1; cut < header.length; cut++) {
        assertEquals(ProxyHeader.Kind.INCOMPLETE, parse(Arrays.copyOf(header, cut)).kind(), "cut at " + cut);
      }
      assertEquals(ProxyHeader.Kind.HEADER, parse(header).kind());
    }
  }

  @Test
  void aDnsMessageHasNoHeader() {
    // a TCP frame's length and a query's ID: neither starts like a PROXY header
    assertEquals(ProxyHeader.Kind.ABSENT, parse(new byte[] {0x00, 0x1d, 0x12, 0x34}).kind());
    assertEquals(ProxyHeader.Kind.ABSENT, parse("PROXz".getBytes(StandardCharsets.US_ASCII)).kind());
    assertEquals(ProxyHeader.Kind.ABSENT, parse(new byte[] {0x0d, 0x0a, 0x0d, 0x0b}).kind());
  }

  @Test
  void malformedHeadersAreInvalid() throws Exception {
    InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 1);
    byte[] badVersion = v2(1, 0x11, a, a, new byte[0]);
    badVersion[12] = 0x31;
    byte[] badCommand = v2(1, 0x11, a, a, new byte[0]);
    badCommand[12] = 0x22;
    byte[] badFamily = v2(1, 0x41, a, a, new byte[0]);
    byte[] shortBody = v2(1, 0x21, a, a, new byte[0]); // IPv6 family, IPv4-sized body
    for (byte[] header : List.of(badVersion, badCommand, badFamily, shortBody)) {
      assertEquals(ProxyHeader.Kind.INVALID, parse(header).kind(), Arrays.toString(header));
    }
    for (String line : List.of("PROXY TCP4 1.2.3.300 127.0.0.1 1 53\r\n", "PROXY TCP4 host.example 127.0.0.1 1 53\r\n",
        "PROXY UDP4 1.2.3.4 127.0.0.1 1 53\r\n", "PROXY TCP4 1.2.3.4 127.0.0.1 70000 53\r\n",
        "PROXY TCP6 1.2.3.4 127.0.0.1 1 53\r\n", "PROXY " + "x".repeat(120))) {
      assertEquals(ProxyHeader.Kind.INVALID, parse(line.getBytes(StandardCharsets.US_ASCII)).kind(), line);
    }
  }

  @Test
  void thePolicyFollowsCorednsDefaults() throws Exception {
    InetAddress balancer = InetAddress.getByName("10.1.2.3");
    InetAddress other = InetAddress.getByName("127.0.0.1");
    assertEquals(ProxyPolicy.Action.USE, new ProxyPolicy(List.of(), ProxyPolicy.Action.IGNORE, false).actionFor(other),
        "no allow, no default: headers from everyone are used");
    assertEquals(ProxyPolicy.Action.REJECT,
        new ProxyPolicy(List.of(), ProxyPolicy.Action.REJECT, true).actionFor(other), "no allow: default for all");
    ProxyPolicy allow = new ProxyPolicy(List.of(Cidr.parse("10.0.0.0/8")), ProxyPolicy.Action.IGNORE, false);
    assertEquals(ProxyPolicy.Action.USE, allow.actionFor(balancer));
    assertEquals(ProxyPolicy.Action.IGNORE, allow.actionFor(other));
    assertFalse(allow.allow().isEmpty());
    assertTrue(allow.allow().get(0).contains(balancer));
  }
}
