package dev.corvus.dns.plugin.https;

import java.nio.ByteBuffer;

/**
 * Reads what the encrypted transports need from a DNS message's wire form without building it:
 * whether a query is well formed, its ID, whether it carries an option, and the smallest TTL of a
 * response. Walks the sections once with bounds checks; never throws on hostile input.
 */
public final class DnsWire {

  private static final int HEADER = 12;
  private static final int TYPE_SOA = 6;
  private static final int TYPE_NS = 2;
  private static final int TYPE_OPT = 41;
  private static final int TYPE_AXFR = 252;
  private static final int TYPE_IXFR = 251;
  private static final int OPCODE_UPDATE = 5;
  private static final int RCODE_NOERROR = 0;
  private static final int RCODE_NXDOMAIN = 3;
  private static final int RCODE_SERVFAIL = 2;
  private static final int RCODE_NOTIMP = 4;

  /** CoreDNS's {@code dnsutil.MinimalDefaultTTL}: errors, delegations and empty answers. */
  public static final int MINIMAL_TTL = 5;
  /** CoreDNS's {@code dnsutil.MaximumDefaultTTL}. */
  public static final int MAXIMUM_TTL = 3600;

  private DnsWire() {}

  /**
   * Whether {@code wire} (position to limit) is a DNS query that parses: a header with QR clear,
   * and every question and record within the message (names, types, lengths).
   */
  public static boolean isQuery(ByteBuffer wire) {
    if (wire.remaining() < HEADER || (wire.get(wire.position() + 2) & 0x80) != 0) {
      return false;
    }
    return walk(wire, null) >= 0;
  }

  /** The message ID, or -1 when there is no header. */
  public static int id(ByteBuffer wire) {
    return wire.remaining() < 2 ? -1 : wire.getShort(wire.position()) & 0xffff;
  }

  /**
   * Whether the message's OPT record carries EDNS option {@code code} (RFC 9250 §4.3.3: an
   * edns-tcp-keepalive option, code 11, is a protocol error on DoQ).
   */
  public static boolean hasEdnsOption(ByteBuffer wire, int code) {
    boolean[] found = new boolean[1];
    walk(wire, (buf, type, ttlOffset, rdataOffset, rdLength) -> {
      if (type == TYPE_OPT) {
        int p = rdataOffset;
        int end = rdataOffset + rdLength;
        while (p + 4 <= end) {
          int option = buf.getShort(p) & 0xffff;
          int length = buf.getShort(p + 2) & 0xffff;
          if (option == code) {
            found[0] = true;
          }
          p += 4 + length;
        }
      }
    });
    return found[0];
  }

  /**
   * How long an HTTP cache may keep this response ({@code Cache-Control: max-age}), as CoreDNS
   * computes it: the smallest TTL of the answer, authority and additional records (OPT aside),
   * at most an hour; {@value #MINIMAL_TTL} seconds for errors, delegations, transfers, updates
   * and messages without records.
   */
  public static int minimalTtl(byte[] response) {
    ByteBuffer wire = ByteBuffer.wrap(response);
    if (response.length < HEADER) {
      return MINIMAL_TTL;
    }
    int flags = wire.getShort(2) & 0xffff;
    int opcode = (flags >> 11) & 0xf;
    int rcode = flags & 0xf;
    int answers = wire.getShort(6) & 0xffff;
    if (opcode == OPCODE_UPDATE) {
      return MINIMAL_TTL;
    }
    int[] summary = new int[] {Integer.MAX_VALUE, 0, 0, 0, -1}; // min TTL, SOA seen, NS seen, records, qtype
    int sectionStart = HEADER;
    int questions = wire.getShort(4) & 0xffff;
    int p = sectionStart;
    for (int i = 0; i < questions; i++) {
      p = skipName(wire, p);
      if (p < 0 || p + 4 > wire.limit()) {
        return MINIMAL_TTL;
      }
      summary[4] = wire.getShort(p) & 0xffff;
      p += 4;
    }
    if (summary[4] == TYPE_AXFR || summary[4] == TYPE_IXFR) {
      return MINIMAL_TTL;
    }
    int[] index = {0};
    int walked = walk(wire, (buf, type, ttlOffset, rdataOffset, rdLength) -> {
      index[0]++;
      if (type == TYPE_OPT) {
        return;
      }
      summary[3]++;
      boolean authority = index[0] > answers
          && index[0] <= answers + (buf.getShort(8) & 0xffff);
      if (authority && type == TYPE_SOA) {
        summary[1] = 1;
      }
      if (authority && type == TYPE_NS) {
        summary[2] = 1;
      }
      long ttl = buf.getInt(ttlOffset) & 0xffffffffL;
      summary[0] = (int) Math.min(summary[0], Math.min(ttl, Integer.MAX_VALUE));
    });
    if (walked < 0) {
      return MINIMAL_TTL;
    }
    // CoreDNS's response.Typify: positive, NODATA and NXDOMAIN (with SOA) are cacheable.
    boolean cacheable;
    if (answers > 0 && rcode == RCODE_NOERROR) {
      cacheable = true;
    } else if (summary[1] == 1 && (rcode == RCODE_NOERROR || rcode == RCODE_NXDOMAIN)) {
      cacheable = true;
    } else if (rcode == RCODE_SERVFAIL || rcode == RCODE_NOTIMP) {
      cacheable = false;
    } else if (summary[2] == 1 && rcode == RCODE_NOERROR) {
      cacheable = false; // a delegation
    } else {
      cacheable = rcode == RCODE_NOERROR;
    }
    if (!cacheable || summary[3] == 0) {
      return MINIMAL_TTL;
    }
    return Math.min(summary[0], MAXIMUM_TTL);
  }

  /** Sees each resource record (not the questions) of a message. */
  private interface RecordVisitor {
    void record(ByteBuffer wire, int type, int ttlOffset, int rdataOffset, int rdLength);
  }

  /** Walks questions and records; the end offset, or -1 when the message is malformed. */
  private static int walk(ByteBuffer message, RecordVisitor visitor) {
    ByteBuffer wire = message.slice();
    if (wire.remaining() < HEADER) {
      return -1;
    }
    int questions = wire.getShort(4) & 0xffff;
    int records = (wire.getShort(6) & 0xffff) + (wire.getShort(8) & 0xffff) + (wire.getShort(10) & 0xffff);
    int p = HEADER;
    for (int i = 0; i < questions; i++) {
      p = skipName(wire, p);
      if (p < 0 || p + 4 > wire.limit()) {
        return -1;
      }
      p += 4;
    }
    for (int i = 0; i < records; i++) {
      p = skipName(wire, p);
      if (p < 0 || p + 10 > wire.limit()) {
        return -1;
      }
      int type = wire.getShort(p) & 0xffff;
      int rdLength = wire.getShort(p + 8) & 0xffff;
      int rdata = p + 10;
      if (rdata + rdLength > wire.limit()) {
        return -1;
      }
      if (visitor != null) {
        visitor.record(wire, type, p + 4, rdata, rdLength);
      }
      p = rdata + rdLength;
    }
    return p;
  }

  /**
   * The offset after the name at {@code p}, or -1 when it runs past the message, uses a reserved
   * label type, or has a compression pointer that does not point backwards.
   */
  private static int skipName(ByteBuffer wire, int p) {
    int length = 0;
    while (true) {
      if (p >= wire.limit()) {
        return -1;
      }
      int label = wire.get(p) & 0xff;
      if (label == 0) {
        return p + 1;
      }
      if ((label & 0xc0) == 0xc0) {
        if (p + 1 >= wire.limit()) {
          return -1;
        }
        int target = ((label & 0x3f) << 8) | (wire.get(p + 1) & 0xff);
        return target < p ? p + 2 : -1;
      }
      if ((label & 0xc0) != 0) {
        return -1;
      }
      length += label + 1;
      if (length > 255) {
        return -1;
      }
      p += label + 1;
    }
  }
}
