package dev.corvus.dns.plugin.forward;

import java.nio.ByteBuffer;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Relaying an upstream's answer without encoding it again: the bytes it came in are offered to
 * the server ({@link dev.corvus.dns.api.Responses#preEncoded}), which sends them with the client's
 * ID and its own OPT record as long as no handler changed the message on the way out.
 *
 * <p>What the server is offered must encode exactly the message it is offered with, without an
 * OPT record: the server adds the one the client's query calls for (RFC 6891 §6.1.1: OPT is
 * hop-by-hop). An upstream's OPT record that only says "EDNS0" (no options, extended rcode 0,
 * version 0, no flags) is therefore cut from both the bytes and the parsed message; one that
 * carries more (options the server mirrors, an extended rcode, the DO bit the {@code cache} reads
 * from responses) leaves the answer to be encoded as before. So do answers whose layout the cut
 * cannot handle: an OPT record that is not the last record, a TSIG record, or not exactly one
 * question.
 *
 * <p>The question must be the client's as it asked it, letter case included (a 0x20-randomising
 * resolver checks it, and a single-flight exchange answers clients that spelled the name
 * differently): when the spelling in the bytes differs only in case, the client's name is written
 * over it in a copy. Names in the answer compressed to point at the question then read in the
 * client's spelling too, where the message (and the server's encoder, which compresses only names
 * spelled alike) keeps the upstream's: the one difference between the bytes and the message, in
 * letter case only, which DNS names ignore (RFC 4343).
 */
final class RelayWire {

  private static final int HEADER_LENGTH = 12;
  private static final int QDCOUNT = 4;
  private static final int ARCOUNT = 10;

  private RelayWire() {}

  /**
   * The bytes to relay for an answer that passed the ID and question checks: {@code buffer} from
   * {@code start} to {@code end}, without its OPT record and any trailing bytes. When there is an
   * OPT record it is removed from {@code parsed} too. Reads {@code buffer} by index only: parsing
   * may have moved its position.
   *
   * @param parsed the message parsed from those bytes; unchanged when this returns {@code null}
   * @return the bytes, or {@code null} when the answer must be encoded instead (see the class
   *     comment)
   */
  static byte[] strip(ByteBuffer buffer, int start, int end, Message parsed) {
    if (end - start < HEADER_LENGTH || u16(buffer, start + QDCOUNT) != 1) {
      return null;
    }
    int records = u16(buffer, start + 6) + u16(buffer, start + 8) + u16(buffer, start + ARCOUNT);
    int position = skipName(buffer, start + HEADER_LENGTH, end);
    if (position < 0 || position + 4 > end) {
      return null;
    }
    position += 4;
    int lastRecord = -1;
    int lastType = -1;
    int optRecords = 0;
    for (int i = 0; i < records; i++) {
      lastRecord = position;
      position = skipName(buffer, position, end);
      if (position < 0 || position + 10 > end) {
        return null;
      }
      lastType = u16(buffer, position);
      if (lastType == Type.TSIG) {
        return null;
      }
      if (lastType == Type.OPT) {
        optRecords++;
      }
      position += 10 + u16(buffer, position + 8);
      if (position > end) {
        return null;
      }
    }
    int keep = position - start;
    OPTRecord opt = null;
    if (optRecords > 0) {
      opt = parsed.getOPT();
      // Exactly one OPT record, the last one: root owner, TTL (extended rcode, version, flags) 0,
      // no RDATA (no options).
      if (optRecords != 1 || lastType != Type.OPT || opt == null
          || buffer.get(lastRecord) != 0
          || buffer.getInt(lastRecord + 5) != 0
          || u16(buffer, lastRecord + 9) != 0) {
        return null;
      }
      keep = lastRecord - start;
    }
    byte[] wire = new byte[keep];
    buffer.get(start, wire, 0, keep);
    if (opt != null) {
      int additional = u16(buffer, start + ARCOUNT) - 1;
      wire[ARCOUNT] = (byte) (additional >>> 8);
      wire[ARCOUNT + 1] = (byte) additional;
      parsed.removeRecord(opt, Section.ADDITIONAL);
    }
    return wire;
  }

  /**
   * {@code wire} (from {@link #strip}) with the question as {@code asked} spells it: {@code wire}
   * itself when it already does, a patched copy when the spelling differs only in letter case.
   *
   * @return the bytes, or {@code null} when the question's name is not {@code asked} (it is, after
   *     the checks, unless the upstream compressed it, which no sane encoder does)
   */
  static byte[] forClient(byte[] wire, Name asked) {
    byte[] name = asked.toWire();
    if (wire.length < HEADER_LENGTH + name.length) {
      return null;
    }
    boolean same = true;
    for (int i = 0; i < name.length; i++) {
      byte have = wire[HEADER_LENGTH + i];
      byte want = name[i];
      if (have != want) {
        // Label lengths (at most 63) are not letters: only letters may differ, and only in case.
        if (lower(have) != lower(want)) {
          return null;
        }
        same = false;
      }
    }
    if (same) {
      return wire;
    }
    byte[] copy = wire.clone();
    System.arraycopy(name, 0, copy, HEADER_LENGTH, name.length);
    return copy;
  }

  /**
   * Whether the question names of two messages are the same bytes (same spelling, uncompressed):
   * an answer's as relayed, a query's as sent.
   */
  static boolean sameQuestionName(byte[] answer, byte[] query) {
    int at = HEADER_LENGTH;
    while (at < query.length && at < answer.length) {
      int length = query[at] & 0xff;
      if (length > 63) {
        return false;
      }
      int next = at + 1 + length;
      if (next > query.length || next > answer.length) {
        return false;
      }
      for (int i = at; i < next; i++) {
        if (query[i] != answer[i]) {
          return false;
        }
      }
      if (length == 0) {
        return true;
      }
      at = next;
    }
    return false;
  }

  /** The position after the name at {@code position}, or -1 when it runs past {@code end}. */
  private static int skipName(ByteBuffer buffer, int position, int end) {
    int at = position;
    while (at < end) {
      int length = buffer.get(at) & 0xff;
      if ((length & 0xc0) == 0xc0) {
        return at + 2 <= end ? at + 2 : -1;
      }
      if ((length & 0xc0) != 0) {
        return -1;
      }
      if (length == 0) {
        return at + 1;
      }
      at += 1 + length;
    }
    return -1;
  }

  private static int u16(ByteBuffer buffer, int index) {
    return ((buffer.get(index) & 0xff) << 8) | (buffer.get(index + 1) & 0xff);
  }

  private static int lower(byte b) {
    return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
  }
}
