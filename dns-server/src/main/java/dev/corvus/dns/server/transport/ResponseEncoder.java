package dev.corvus.dns.server.transport;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DNSOutput;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
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
  /** Common types without domain names in their RDATA, whose canonical form is their wire form. */
  private static final Set<Integer> NAMELESS_RDATA = Set.of(Type.A, Type.AAAA, Type.TXT, Type.SPF, Type.CAA,
      Type.HINFO, Type.SSHFP, Type.TLSA, Type.DS, Type.DNSKEY, Type.NSEC3, Type.NSEC3PARAM, Type.URI);

  /**
   * One encoder per thread, reused: an I/O thread encodes one response at a time, and the output
   * buffer and the table of written names are most of what encoding would allocate per response.
   */
  private static final ThreadLocal<ResponseEncoder> ENCODERS = ThreadLocal.withInitial(ResponseEncoder::new);

  private final DNSOutput out = new DNSOutput(512);
  private final Suffixes written = new Suffixes();
  private final NameCapture capture = new NameCapture();
  private final int[] counts = new int[4];
  /** The names of the response being written and their wire forms, by identity (a few repeat). */
  private final Name[] recentNames = new Name[8];
  private final byte[][] recentWires = new byte[8][];
  private int recent;

  private ResponseEncoder() {}

  /**
   * The wire form of {@code response}, at most {@code maxLength} bytes; records that do not fit are
   * left out as described above.
   */
  static byte[] encode(Message response, int maxLength) {
    ResponseEncoder encoder = ENCODERS.get();
    encoder.out.jump(0);
    encoder.written.truncate(0);
    Arrays.fill(encoder.counts, 0);
    try {
      return encoder.write(response, maxLength);
    } finally {
      Arrays.fill(encoder.recentNames, null);
      encoder.recent = 0;
    }
  }

  private byte[] write(Message response, int maxLength) {
    OPTRecord opt = response.getOPT();
    byte[] optWire = opt == null ? null : opt.toWire(Section.ADDITIONAL);
    int limit = maxLength - (optWire == null ? 0 : optWire.length);
    Header header = response.getHeader();
    out.writeU16(header.getID());
    out.writeU16(flagsWord(header));
    out.writeU32(0); // the counts, written at the end
    out.writeU32(0);
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
      List<Record> records = response.getSection(section);
      for (int start = 0, end; start < records.size(); start = end) {
        end = endOfRrset(records, start);
        Record first = records.get(start);
        if (first.getType() == Type.OPT) {
          continue;
        }
        boolean required = section != Section.ADDITIONAL || (referral && isInDomainGlue(first, authority));
        if (!full) {
          int mark = out.current();
          int entries = written.size();
          for (int i = start; i < end; i++) {
            writeRecord(records.get(i));
          }
          if (out.current() <= limit) {
            counts[section] += end - start;
            continue;
          }
          out.jump(mark);
          written.truncate(entries);
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

  /** The end of the run of records of one name, type and class starting at {@code start}, as dnsjava groups them. */
  private static int endOfRrset(List<Record> records, int start) {
    Record first = records.get(start);
    int end = start + 1;
    while (end < records.size() && first.getType() != Type.OPT && records.get(end).sameRRset(first)) {
      end++;
    }
    return end;
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
      case Type.SRV -> {
        SRVRecord srv = (SRVRecord) r;
        out.writeU16(srv.getPriority());
        out.writeU16(srv.getWeight());
        out.writeU16(srv.getPort());
        writeUncompressedName(srv.getTarget()); // RFC 2782
      }
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
        if (NAMELESS_RDATA.contains(r.getType())) {
          out.writeByteArray(r.rdataToWireCanonical());
          return;
        }
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

  /**
   * The header's second and third bytes: QR, opcode, AA, TC, RD, RA, Z, AD, CD and the rcode (what
   * {@link Header#toWire} writes there, without encoding the whole header into a new array).
   */
  static int flagsWord(Header header) {
    int flags = header.getOpcode() << 11 | (header.getRcode() & 0xf);
    for (int flag : FLAG_BITS) {
      if (header.getFlag(flag)) {
        flags |= 1 << (15 - flag);
      }
    }
    return flags;
  }

  /** The header's flag bits as dnsjava numbers them (from the most significant bit): QR, AA, TC, RD, RA, Z, AD, CD. */
  private static final int[] FLAG_BITS = {Flags.QR, Flags.AA, Flags.TC, Flags.RD, Flags.RA, 9, Flags.AD, Flags.CD};

  /** The uncompressed wire form of {@code name}, once per response for a name written several times. */
  private byte[] wireOf(Name name) {
    for (int i = 0; i < recent; i++) {
      if (recentNames[i] == name) {
        return recentWires[i];
      }
    }
    byte[] wire = capture.wireOf(name);
    if (recent < recentNames.length) {
      recentNames[recent] = name;
      recentWires[recent++] = wire;
    }
    return wire;
  }

  /** Writes {@code name}, its longest suffix written before (spelled alike) as a pointer. */
  private void writeName(Name name) {
    byte[] wire = wireOf(name);
    int[] hashes = written.hashes(wire);
    int at = 0;
    for (int label = 0; wire[at] != 0; label++) {
      int earlier = written.find(wire, at, hashes[label]);
      if (earlier >= 0) {
        out.writeU16(0xC000 | earlier);
        return;
      }
      if (out.current() <= MAX_POINTER) {
        written.add(wire, at, hashes[label], out.current());
      }
      int length = (wire[at] & 0xff) + 1;
      out.writeByteArray(wire, at, length);
      at += length;
    }
    out.writeU8(0);
  }

  /** Writes {@code name} without compression, making its suffixes compression targets. */
  private void writeUncompressedName(Name name) {
    byte[] wire = wireOf(name);
    remember(wire, 0, out.current());
    out.writeByteArray(wire);
  }

  /** Makes the uncompressed name at {@code wire[at]}, written at {@code position}, a compression target. */
  private void remember(byte[] wire, int at, int position) {
    int end = at;
    while (wire[end] != 0) {
      end += (wire[end] & 0xff) + 1;
    }
    byte[] name = at == 0 && end + 1 == wire.length ? wire : Arrays.copyOfRange(wire, at, end + 1);
    int[] hashes = written.hashes(name);
    for (int label = 0, offset = 0; name[offset] != 0 && position + offset <= MAX_POINTER; label++) {
      if (written.find(name, offset, hashes[label]) < 0) {
        written.add(name, offset, hashes[label], position + offset);
      }
      offset += (name[offset] & 0xff) + 1;
    }
  }

  /**
   * The name suffixes written so far with their positions, compared byte for byte (so case
   * matters). A response holds a few dozen, so a scan over hashes beats a hash map's allocations.
   */
  private static final class Suffixes {
    private byte[][] names = new byte[32][];
    private int[] offsets = new int[32];
    private int[] hashes = new int[32];
    private int[] positions = new int[32];
    private int size;
    /** Scratch for {@link #hashes}: a name has at most 127 labels. */
    private final int[] starts = new int[128];
    private final int[] suffixHashes = new int[128];

    /**
     * The hash of each suffix of an uncompressed name, from the whole name to its last label, in an
     * array reused by the next call.
     */
    int[] hashes(byte[] wire) {
      int labels = 0;
      for (int at = 0; wire[at] != 0; at += (wire[at] & 0xff) + 1) {
        starts[labels++] = at;
      }
      int[] out = suffixHashes;
      int hash = 0;
      for (int i = labels - 1; i >= 0; i--) {
        int length = wire[starts[i]] & 0xff;
        for (int j = 0; j <= length; j++) {
          hash = 31 * hash + wire[starts[i] + j];
        }
        out[i] = hash;
      }
      return out;
    }

    int size() {
      return size;
    }

    /** The position of the suffix at {@code wire[at]}, or -1. */
    int find(byte[] wire, int at, int hash) {
      int length = wire.length - at;
      for (int i = 0; i < size; i++) {
        if (hashes[i] == hash && names[i].length - offsets[i] == length
            && Arrays.equals(names[i], offsets[i], names[i].length, wire, at, wire.length)) {
          return positions[i];
        }
      }
      return -1;
    }

    void add(byte[] wire, int at, int hash, int position) {
      if (size == names.length) {
        int grown = size * 2;
        names = Arrays.copyOf(names, grown);
        offsets = Arrays.copyOf(offsets, grown);
        hashes = Arrays.copyOf(hashes, grown);
        positions = Arrays.copyOf(positions, grown);
      }
      names[size] = wire;
      offsets[size] = at;
      hashes[size] = hash;
      positions[size] = position;
      size++;
    }

    /** Forgets the suffixes added after the first {@code keep}. */
    void truncate(int keep) {
      size = keep;
    }
  }

  /**
   * Receives what {@link Name#toWire(DNSOutput, org.xbill.DNS.Compression)} writes without
   * compression (each label's bytes, then the root's zero) in one reused array: {@link Name#toWire()}
   * makes an output, its buffer and a copy for every name.
   */
  private static final class NameCapture extends DNSOutput {
    private final byte[] bytes = new byte[256];
    private int length;

    NameCapture() {
      super(1);
    }

    byte[] wireOf(Name name) {
      length = 0;
      name.toWire(this, null);
      return Arrays.copyOf(bytes, length);
    }

    @Override
    public void writeByteArray(byte[] b, int off, int len) {
      System.arraycopy(b, off, bytes, length, len);
      length += len;
    }

    @Override
    public void writeU8(int val) {
      bytes[length++] = (byte) val;
    }

    @Override
    public int current() {
      return length;
    }
  }
}
