package dev.corvus.dns.plugin.dnstap;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A second, independent reader for what dnstap-ldns does not print: the Frame Streams file
 * fstrm_capture wrote, its data frames, and each {@code Dnstap} message's top-level byte fields
 * (identity 1, version 2, extra 3), read the protobuf way (tag, wire type, length).
 */
final class DnstapFile {

  record Entry(String identity, String version, String extra) {}

  static List<Entry> read(Path file) throws IOException {
    List<Entry> entries = new ArrayList<>();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
      while (true) {
        int length;
        try {
          length = in.readInt();
        } catch (EOFException end) {
          return entries;
        }
        if (length == 0) {
          in.skipBytes(in.readInt()); // a control frame: START, STOP
          continue;
        }
        byte[] payload = new byte[length];
        in.readFully(payload);
        entries.add(entry(payload));
      }
    }
  }

  private static Entry entry(byte[] payload) {
    String[] fields = new String[4];
    int i = 0;
    while (i < payload.length) {
      long[] tag = varint(payload, i);
      i = (int) tag[1];
      int field = (int) (tag[0] >>> 3);
      int wireType = (int) (tag[0] & 7);
      if (wireType == 0) {
        i = (int) varint(payload, i)[1];
      } else if (wireType == 2) {
        long[] len = varint(payload, i);
        i = (int) len[1];
        if (field >= 1 && field <= 3) {
          fields[field] = new String(payload, i, (int) len[0], StandardCharsets.UTF_8);
        }
        i += (int) len[0];
      } else {
        throw new IllegalArgumentException("unexpected wire type " + wireType + " of field " + field);
      }
    }
    return new Entry(fields[1], fields[2], fields[3]);
  }

  /** The value and the index after it. */
  private static long[] varint(byte[] bytes, int at) {
    long value = 0;
    int shift = 0;
    while (true) {
      byte b = bytes[at++];
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return new long[] {value, at};
      }
      shift += 7;
    }
  }
}
