package dev.corvus.dns.grpc.pb;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * {@code coredns.dns.DnsPacket} in protobuf's binary encoding, as the DNS message it carries: the
 * message has one field, {@code bytes msg = 1}, so its encoding is that field's tag ({@code 0x0a}:
 * field 1, wire type 2), the length as a varint, and the bytes; an empty {@code msg} is no bytes
 * at all (proto3 leaves default values out). Written by hand rather than generated so that the
 * service needs no protobuf runtime; fields of a later version of the message are skipped as
 * protobuf parsers skip unknown fields.
 */
final class DnsPacketMarshaller implements MethodDescriptor.Marshaller<byte[]> {

  static final DnsPacketMarshaller INSTANCE = new DnsPacketMarshaller();

  private static final int MSG_TAG = (1 << 3) | 2;
  private static final int VARINT = 0;
  private static final int FIXED64 = 1;
  private static final int LENGTH_DELIMITED = 2;
  private static final int FIXED32 = 5;

  private DnsPacketMarshaller() {}

  @Override
  public InputStream stream(byte[] msg) {
    return new ByteArrayInputStream(encode(msg));
  }

  @Override
  public byte[] parse(InputStream stream) {
    try {
      return decode(stream.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The encoding of a {@code DnsPacket} whose {@code msg} is {@code msg}. */
  static byte[] encode(byte[] msg) {
    if (msg.length == 0) {
      return msg;
    }
    byte[] out = new byte[1 + varintSize(msg.length) + msg.length];
    out[0] = MSG_TAG;
    int at = writeVarint(out, 1, msg.length);
    System.arraycopy(msg, 0, out, at, msg.length);
    return out;
  }

  /**
   * The {@code msg} of an encoded {@code DnsPacket} (the last one, should it occur twice, as
   * protobuf merges a repeated singular field).
   *
   * @throws io.grpc.StatusRuntimeException {@code INVALID_ARGUMENT} when {@code packet} is not a
   *     valid encoding
   */
  static byte[] decode(byte[] packet) {
    byte[] msg = new byte[0];
    int[] at = {0};
    while (at[0] < packet.length) {
      long tag = readVarint(packet, at);
      int wireType = (int) (tag & 7);
      long field = tag >>> 3;
      if (field == 0) {
        throw invalid("field number 0");
      }
      switch (wireType) {
        case VARINT -> readVarint(packet, at);
        case FIXED64 -> skip(packet, at, 8);
        case FIXED32 -> skip(packet, at, 4);
        case LENGTH_DELIMITED -> {
          long length = readVarint(packet, at);
          if (length > packet.length - at[0]) {
            throw invalid("a field of " + length + " bytes in a message of " + packet.length);
          }
          if (field == 1) {
            msg = Arrays.copyOfRange(packet, at[0], at[0] + (int) length);
          }
          at[0] += (int) length;
        }
        default -> throw invalid("wire type " + wireType + " of field " + field);
      }
    }
    return msg;
  }

  private static void skip(byte[] packet, int[] at, int bytes) {
    if (packet.length - at[0] < bytes) {
      throw invalid("a truncated field");
    }
    at[0] += bytes;
  }

  private static long readVarint(byte[] packet, int[] at) {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at[0] >= packet.length) {
        throw invalid("a truncated varint");
      }
      byte b = packet[at[0]++];
      value |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return value;
      }
    }
    throw invalid("a varint longer than 10 bytes");
  }

  private static int varintSize(int value) {
    int size = 1;
    while ((value >>>= 7) != 0) {
      size++;
    }
    return size;
  }

  private static int writeVarint(byte[] out, int at, int value) {
    while ((value & ~0x7f) != 0) {
      out[at++] = (byte) ((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out[at++] = (byte) value;
    return at;
  }

  private static RuntimeException invalid(String what) {
    return Status.INVALID_ARGUMENT.withDescription("not a coredns.dns.DnsPacket: " + what).asRuntimeException();
  }
}
