package dev.corvus.dns.server.transport;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DNSOutput;
import org.xbill.DNS.Message;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Writes a response in wire format, compressing as CoreDNS's DNS library (miekg/dns) does, and
 * truncates it to a size limit.
 *
 * <p>Compression (RFC 1035 §4.1.4): every name written, owner or RDATA, compressed or not, becomes
 * a target for later names, so that an SRV target (never compressed, RFC 2782) still shortens the
 * owner of its address record in the additional section; dnsjava only remembers names it wrote
 * compressed. Names match only when spelled alike, case included, so that a record keeps the case
 * it has instead of taking the question's. RDATA names are compressed only in the RFC 1035 types
 * RFC 3597 §4 allows (NS, CNAME, PTR, MX, SOA here).
 *
 * <p>Truncation (RFC 2181 §9): whole RRsets are written in order until one does not fit; TC is set
 * when a required RRset is left out: any of the answer or authority section, or the glue of a
 * referral's in-domain name servers (RFC 9471 §3). Other additional records are dropped silently.
 * The OPT record always fits: its space is kept.
 */
final class ResponseEncoder {

  private static final int HEADER_LENGTH = 12;
  private static final int MAX_POINTER = 0x3FFF;
  private static final int[] SECTIONS = {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL};

  private final DNSOutput out = new DNSOutput();
  private final Map<ByteBuffer, Integer> written = new HashMap<>();

  private ResponseEncoder() {}

  /**
   * The wire form of {@code response}, at most {@code maxLength} bytes; records that do not fit are
   * left out as described above.
   */
  static byte[] encode(Message response, int maxLength) {
    return new ResponseEncoder().write(response, maxLength);
  }

  private byte[] write(Message response, int maxLength) {
    OPTRecord opt = response.getOPT();
    byte[] optWire = opt == null ? null : opt.toWire(Section.ADDITIONAL);
    int limit = maxLength - (optWire == null ? 0 : optWire.length);
    byte[] header = response.getHeader().toWire();
    out.writeByteArray(header, 0, HEADER_LENGTH);
    int[] counts = new int[4];
    for (Record question : response.getSection(Section.QUESTION)) {
      writeName(question.getName());
      out.writeU16(question.getType());
      out.writeU16(question.getDClass());
      counts[Section.QUESTION]++;
    }
    boolean truncated = false;
    boolean full = false;
    boolean referral = response.getSection(Section.ANSWER).isEmpty();
    List<Record> authority = response.getSection(Section.AUTHORITY);
    for (int section : SECTIONS) {
      for (List<Record> rrset : rrsets(response.getSection(section))) {
        boolean required = section != Section.ADDITIONAL || (referral && isInDomainGlue(rrset.get(0), authority));
        if (!full) {
          int mark = out.current();
          int entries = written.size();
          for (Record r : rrset) {
            writeRecord(r);
          }
          if (out.current() <= limit) {
            counts[section] += rrset.size();
            continue;
          }
          out.jump(mark);
          if (written.size() != entries) {
            written.values().removeIf(position -> position >= mark);
          }
          full = true;
        }
        truncated |= required;
      }
    }
    if (optWire != null) {
      out.writeByteArray(optWire);
      counts[Section.ADDITIONAL]++;
    }
    byte[] wire = out.toByteArray();
    if (truncated) {
      wire[2] |= 0x02; // TC
    }
    for (int i = 0; i < 4; i++) {
      wire[4 + 2 * i] = (byte) (counts[i] >>> 8);
      wire[5 + 2 * i] = (byte) counts[i];
    }
    return wire;
  }

  /** Consecutive records of one name, type and class, as dnsjava groups them. */
  private static List<List<Record>> rrsets(List<Record> records) {
    List<List<Record>> sets = new ArrayList<>();
    List<Record> current = null;
    for (Record r : records) {
      if (r.getType() == Type.OPT) {
        continue;
      }
      if (current == null || !r.sameRRset(current.get(0))) {
        current = new ArrayList<>();
        sets.add(current);
      }
      current.add(r);
    }
    return sets;
  }

  /** An address of a name server the authority section delegates to, below the delegated name. */
  private static boolean isInDomainGlue(Record address, List<Record> authority) {
    if (address.getType() != Type.A && address.getType() != Type.AAAA) {
      return false;
    }
    for (Record r : authority) {
      if (r instanceof NSRecord ns && ns.getTarget().equals(address.getName()) && address.getName().subdomain(ns.getName())) {
        return true;
      }
    }
    return false;
  }

  private void writeRecord(Record r) {
    writeName(r.getName());
    out.writeU16(r.getType());
    out.writeU16(r.getDClass());
    out.writeU32(r.getTTL());
    int lengthAt = out.current();
    out.writeU16(0);
    writeRdata(r);
    out.writeU16At(out.current() - lengthAt - 2, lengthAt);
  }

  private void writeRdata(Record r) {
    switch (r.getType()) {
      case Type.NS -> writeName(((NSRecord) r).getTarget());
      case Type.CNAME -> writeName(((CNAMERecord) r).getTarget());
      case Type.PTR -> writeName(((PTRRecord) r).getTarget());
      case Type.MX -> {
        MXRecord mx = (MXRecord) r;
        out.writeU16(mx.getPriority());
        writeName(mx.getTarget());
      }
      case Type.SOA -> {
        SOARecord soa = (SOARecord) r;
        writeName(soa.getHost());
        writeName(soa.getAdmin());
        out.writeU32(soa.getSerial());
        out.writeU32(soa.getRefresh());
        out.writeU32(soa.getRetry());
        out.writeU32(soa.getExpire());
        out.writeU32(soa.getMinimum());
      }
      default -> {
        byte[] whole = r.toWire(Section.ANSWER);
        int rdata = r.getName().length() + 10;
        int start = out.current();
        out.writeByteArray(whole, rdata, whole.length - rdata);
        int name = uncompressedNameOffset(r, whole, rdata);
        if (name >= 0) {
          remember(whole, rdata + name, start + name);
        }
      }
    }
  }

  /**
   * Where in the RDATA the (uncompressed) domain name of the types that carry one at a known place
   * starts, or -1: these names become compression targets too, as in miekg/dns.
   */
  private static int uncompressedNameOffset(Record r, byte[] wire, int rdata) {
    return switch (r.getType()) {
      case Type.SRV -> 6; // priority, weight, port
      case Type.SVCB, Type.HTTPS -> 2; // priority
      case Type.DNAME -> 0;
      case Type.NAPTR -> {
        int at = rdata + 4; // order, preference, then flags, services and regexp
        for (int i = 0; i < 3; i++) {
          at += 1 + (wire[at] & 0xff);
        }
        yield at - rdata;
      }
      default -> -1;
    };
  }

  /** Writes {@code name}, its longest suffix written before (spelled alike) as a pointer. */
  private void writeName(Name name) {
    byte[] wire = name.toWire();
    int at = 0;
    while (wire[at] != 0) {
      ByteBuffer suffix = ByteBuffer.wrap(wire, at, wire.length - at);
      Integer earlier = written.get(suffix);
      if (earlier != null) {
        out.writeU16(0xC000 | earlier);
        return;
      }
      if (out.current() <= MAX_POINTER) {
        written.putIfAbsent(suffix, out.current());
      }
      int length = (wire[at] & 0xff) + 1;
      out.writeByteArray(wire, at, length);
      at += length;
    }
    out.writeU8(0);
  }

  /** Makes the uncompressed name at {@code wire[at]}, written at {@code position}, a compression target. */
  private void remember(byte[] wire, int at, int position) {
    int end = at;
    while (wire[end] != 0) {
      end += (wire[end] & 0xff) + 1;
    }
    while (wire[at] != 0 && position <= MAX_POINTER) {
      written.putIfAbsent(ByteBuffer.wrap(wire, at, end + 1 - at), position);
      int length = (wire[at] & 0xff) + 1;
      at += length;
      position += length;
    }
  }
}
