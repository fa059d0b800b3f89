package dev.corvus.dns.grpc.pb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DnsPacketMarshallerTest {

  private static byte[] hex(String text) {
    return HexFormat.of().parseHex(text);
  }

  @Test
  void encodesAsProtobufDoesTheBytesField() throws Exception {
    // What Python's protobuf writes for DnsPacket(msg=b"ab") and for the empty message.
    assertArrayEquals(hex("0a026162"), DnsPacketMarshaller.encode("ab".getBytes()));
    assertArrayEquals(new byte[0], DnsPacketMarshaller.encode(new byte[0]));
    // 300 bytes: the length is the two-byte varint ac 02.
    byte[] encoded = DnsPacketMarshaller.INSTANCE.stream(new byte[300]).readAllBytes();
    assertEquals(303, encoded.length);
    assertArrayEquals(hex("0aac02"), java.util.Arrays.copyOf(encoded, 3));
  }

  @Test
  void decodesWhatItEncodesForEveryLengthClass() {
    for (int length : new int[] {0, 1, 127, 128, 16_383, 16_384, DnsService.MAX_DNS_MESSAGE_BYTES}) {
      byte[] msg = new byte[length];
      for (int i = 0; i < length; i++) {
        msg[i] = (byte) (i * 31);
      }
      byte[] encoded = DnsPacketMarshaller.encode(msg);
      assertTrue(encoded.length <= DnsService.MAX_PACKET_BYTES, "length " + length);
      assertArrayEquals(msg, DnsPacketMarshaller.INSTANCE.parse(new ByteArrayInputStream(encoded)), "length " + length);
    }
  }

  @Test
  void skipsFieldsOfLaterVersionsOfTheMessage() {
    // field 2 varint 150, field 1 "ab", field 3 fixed64, field 4 fixed32, field 5 bytes "zz"
    byte[] packet = hex("109601" + "0a026162" + "190102030405060708" + "2501020304" + "2a027a7a");
    assertArrayEquals("ab".getBytes(), DnsPacketMarshaller.decode(packet));
  }

  @Test
  void theLastMsgWinsAsProtobufMergesSingularFields() {
    assertArrayEquals("cd".getBytes(), DnsPacketMarshaller.decode(hex("0a026162" + "0a026364")));
  }

  @Test
  void rejectsWhatIsNotADnsPacketWithInvalidArgument() {
    for (String bad : new String[] {"0a05616263", "0a", "0affffffffffffffffffff01", "0b", "00", "1d0102"}) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> DnsPacketMarshaller.decode(hex(bad)), bad);
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), bad);
    }
  }

  @Test
  void theQueryMethodIsCorednsOwn() {
    assertEquals("coredns.dns.DnsService/Query", DnsService.QUERY.getFullMethodName());
    assertEquals(io.grpc.MethodDescriptor.MethodType.UNARY, DnsService.QUERY.getType());
  }
}
