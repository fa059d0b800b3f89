package dev.corvus.dns.plugin.cache;

import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * One cached response (the EDNS0 OPT record and transaction signatures are hop-by-hop and are
 * dropped); every record is served with the same TTL, the entry's remaining lifetime, as CoreDNS
 * does. The whole reply is encoded once, when stored; a hit copies that wire form and patches the
 * header flags, the question's case and every record's TTL in place, and builds the reply's
 * records afresh from their stored data. Nothing a hit builds outlives the query: per-TTL records
 * shared by hits lived about a second, long enough to be promoted to the old generation, and
 * with 10,000 names asked each second filled it with garbage at 5 MB/s (a 110 ms full collection
 * every 8 s).
 */
final class CachedAnswer {

  private static final int[] SECTIONS = {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL};
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  /** The records per section, without their TTLs. */
  private final StoredRecord[][] records;
  private final ResponseKind kind;
  private final int rcode;
  private final boolean authoritative;
  private final boolean recursionAvailable;
  private final boolean authenticatedData;
  /** When the answer was stored or last renewed, on the plugin's ticker (nanoseconds). */
  private volatile long storedNanos;
  private final long originalTtl;
  /** The reply to the question first asked, encoded when stored; null when it had no question. */
  private final WireTemplate template;
  private final AtomicBoolean refreshing = new AtomicBoolean();

  // CoreDNS's freq: queries seen without a gap of the prefetch window (ticker nanoseconds).
  private boolean seen;
  private long lastSeenNanos;
  private int hits;

  /** A record without its TTL: owner, type, class and RDATA in wire form (uncompressed, case kept). */
  private record StoredRecord(Name name, int type, int dclass, byte[] rdata) {

    static StoredRecord of(Record record, int section) {
      byte[] wire = record.toWire(section);
      // owner name, type (2), class (2), TTL (4), RDLENGTH (2), then the RDATA
      byte[] rdata = Arrays.copyOfRange(wire, record.getName().length() + 10, wire.length);
      return new StoredRecord(record.getName(), record.getType(), record.getDClass(), rdata);
    }

    Record withTtl(long ttl) {
      return Record.newRecord(name, type, dclass, ttl, rdata.length, rdata);
    }
  }

  /**
   * A whole reply and where its patchable parts stand. Only a hit whose question is spelled exactly
   * as the stored one reuses it: the answer's names may be compressed against the question, and
   * another spelling would change their case (CoreDNS answers with the stored records' spelling).
   */
  private record WireTemplate(byte[] wire, int questionNameLength, boolean lowerCase, int[] ttlOffsets) {

    /** The same bytes but for the TTLs, which every hit overwrites anyway. */
    boolean sameExceptTtls(WireTemplate other) {
      if (wire.length != other.wire.length || !Arrays.equals(ttlOffsets, other.ttlOffsets)) {
        return false;
      }
      int from = 0;
      for (int offset : ttlOffsets) {
        if (!Arrays.equals(wire, from, offset, other.wire, from, offset)) {
          return false;
        }
        from = offset + 4;
      }
      return Arrays.equals(wire, from, wire.length, other.wire, from, wire.length);
    }
  }

  /**
   * Whether {@code wire} reads back with every name spelled as in {@code reply}: dnsjava compresses
   * names that differ only in case against each other, which would serve a record in the spelling
   * of another name (e.g. the question's); such replies are encoded afresh on every hit.
   */
  private static boolean spelledAsStored(byte[] wire, Message reply) {
    Message decoded;
    try {
      decoded = new Message(wire);
    } catch (java.io.IOException e) {
      return false;
    }
    for (int section : new int[] {Section.QUESTION, Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      List<Record> stored = reply.getSection(section);
      List<Record> read = decoded.getSection(section);
      for (int i = 0; i < stored.size(); i++) {
        Record a = stored.get(i);
        Record b = read.get(i);
        if (!a.getName().toString().equals(b.getName().toString())
            || (section != Section.QUESTION && !a.rdataToString().equals(b.rdataToString()))) {
          return false;
        }
      }
    }
    return true;
  }

  private CachedAnswer(StoredRecord[][] records, WireTemplate template, ResponseKind kind, Header header,
      long storedNanos, long originalTtl) {
    this.records = records;
    this.template = template;
    this.kind = kind;
    this.rcode = header.getRcode();
    this.authoritative = header.getFlag(Flags.AA);
    this.recursionAvailable = header.getFlag(Flags.RA);
    this.authenticatedData = header.getFlag(Flags.AD);
    this.storedNanos = storedNanos;
    this.originalTtl = originalTtl;
  }

  /**
   * Encodes {@code response} (whose rcode fits the header) for serving for {@code ttlSeconds}
   * from {@code nowNanos}, a reading of the plugin's ticker.
   */
  static CachedAnswer encode(Message response, ResponseKind kind, long nowNanos, long ttlSeconds) {
    Record question = response.getQuestion();
    Message reply = new Message(0);
    reply.getHeader().setRcode(response.getHeader().getRcode());
    if (question != null) {
      reply.addRecord(question, Section.QUESTION);
    }
    StoredRecord[][] records = new StoredRecord[SECTIONS.length][];
    for (int i = 0; i < SECTIONS.length; i++) {
      List<StoredRecord> kept = new ArrayList<>();
      for (Record record : response.getSection(SECTIONS[i])) {
        int type = record.getType();
        if (type == Type.OPT || type == Type.TSIG || (type == Type.SIG && SECTIONS[i] == Section.ADDITIONAL)) {
          continue;
        }
        kept.add(StoredRecord.of(record, SECTIONS[i]));
        reply.addRecord(record, SECTIONS[i]);
      }
      records[i] = kept.toArray(new StoredRecord[0]);
    }
    WireTemplate template = null;
    if (question != null) {
      byte[] wire = reply.toWire();
      if (spelledAsStored(wire, reply)) {
        Name name = question.getName();
        template = new WireTemplate(wire, name.length(), name.canonicalize() == name, MessageLayout.ttlOffsets(wire));
      }
    }
    return new CachedAnswer(records, template, kind, response.getHeader(), nowNanos, ttlSeconds);
  }

  /** The records of every section with {@code ttl}, built for one reply. */
  private Record[][] recordsWithTtl(long ttl) {
    Record[][] sections = new Record[SECTIONS.length][];
    for (int i = 0; i < SECTIONS.length; i++) {
      sections[i] = new Record[records[i].length];
      for (int j = 0; j < records[i].length; j++) {
        sections[i][j] = records[i][j].withTtl(ttl);
      }
    }
    return sections;
  }

  private static long clampTtl(long ttl) {
    return Math.max(0, Math.min(ttl, 0x7fffffffL));
  }

  /**
   * The response to {@code request}: its ID, its RD and CD bits and its question exactly as the
   * client wrote it (so the client's case is echoed), every record with {@code ttl}.
   *
   * @param forceAuthoritative whether to set AA whatever upstream said (CoreDNS does on hits,
   *     because some stub resolvers discard non-authoritative answers)
   */
  Message render(Request request, long ttl, boolean forceAuthoritative) {
    long clamped = clampTtl(ttl);
    Header query = request.message().getHeader();
    Message reply = new Message(query.getID());
    Header header = reply.getHeader();
    // The header's second and third bytes, as the wire form gets them.
    int flags = 0x8000 | rcode; // QR
    header.setFlag(Flags.QR);
    if (forceAuthoritative || authoritative) {
      header.setFlag(Flags.AA);
      flags |= 0x0400;
    }
    if (query.getFlag(Flags.RD)) {
      header.setFlag(Flags.RD);
      flags |= 0x0100;
    }
    if (recursionAvailable) {
      header.setFlag(Flags.RA);
      flags |= 0x0080;
    }
    // RFC 6840 §5.7-5.8: AD only for clients that asked for DNSSEC or set AD themselves.
    if (authenticatedData && (request.dnssecOk() || query.getFlag(Flags.AD))) {
      header.setFlag(Flags.AD);
      flags |= 0x0020;
    }
    if (query.getFlag(Flags.CD)) {
      header.setFlag(Flags.CD);
      flags |= 0x0010;
    }
    header.setRcode(rcode);
    reply.addRecord(request.question(), Section.QUESTION);
    for (int i = 0; i < SECTIONS.length; i++) {
      for (StoredRecord record : records[i]) {
        reply.addRecord(record.withTtl(clamped), SECTIONS[i]);
      }
    }
    return preEncoded(reply, flags, clamped, request);
  }

  /** {@code reply} with its wire form patched from the template, when the question fits it. */
  private Message preEncoded(Message reply, int flags, long ttl, Request request) {
    if (template == null || !spelledAsTemplate(request.qname())) {
      return reply;
    }
    byte[] wire = template.wire().clone();
    wire[2] = (byte) (flags >>> 8);
    wire[3] = (byte) flags;
    for (int offset : template.ttlOffsets()) {
      wire[offset] = (byte) (ttl >>> 24);
      wire[offset + 1] = (byte) (ttl >>> 16);
      wire[offset + 2] = (byte) (ttl >>> 8);
      wire[offset + 3] = (byte) ttl;
    }
    return Responses.preEncoded(request, reply, wire);
  }

  /**
   * Whether {@code qname}, a name the cache filed under this entry (equal to the template's
   * question but for case), is spelled exactly as the template's question. Both in lower case is
   * the common case, told without encoding the name ({@link Name#canonicalize} returns the name
   * itself when it has no upper-case letter).
   */
  private boolean spelledAsTemplate(Name qname) {
    if (template.lowerCase() && qname.canonicalize() == qname && qname.length() == template.questionNameLength()) {
      return true;
    }
    byte[] questionName = qname.toWire();
    return template.questionNameLength() == questionName.length
        && Arrays.equals(template.wire(), Header.LENGTH, Header.LENGTH + questionName.length,
            questionName, 0, questionName.length);
  }

  /**
   * Whether {@code fresh} is this answer again: the same reply bytes but for the TTLs (which hits
   * overwrite), the same flags, kind and TTL. A stable cluster's answers are, each time they expire
   * and are asked again, and so are forwarded answers whose TTL the cache caps.
   */
  boolean sameReplyAs(CachedAnswer fresh) {
    return template != null && fresh.template != null
        && kind == fresh.kind && rcode == fresh.rcode && originalTtl == fresh.originalTtl
        && authoritative == fresh.authoritative && recursionAvailable == fresh.recursionAvailable
        && authenticatedData == fresh.authenticatedData
        && template.sameExceptTtls(fresh.template);
  }

  /**
   * Serves this entry again from {@code fresh}'s storage time, {@code fresh} being the same reply
   * ({@link #sameReplyAs}): the entry, long in the old generation, stays, and the fresh copy dies
   * young instead of being promoted in its place, which at 10,000 names expiring every 30 s filled
   * a 64 MiB heap's old generation to a full collection every 100-120 s.
   */
  CachedAnswer renewedBy(CachedAnswer fresh) {
    storedNanos = fresh.storedNanos;
    return this;
  }

  /**
   * Seconds left at {@code nowNanos} (a ticker reading, so setting the system clock changes
   * nothing); zero or negative once expired.
   */
  long remainingTtl(long nowNanos) {
    return originalTtl - Math.floorDiv(nowNanos - storedNanos, NANOS_PER_SECOND);
  }

  /** Whether the entry may be served at {@code nowNanos}: fresh, or stale for less than {@code staleSeconds}. */
  boolean usable(long nowNanos, long staleSeconds) {
    long ttl = remainingTtl(nowNanos);
    return ttl > 0 || -ttl < staleSeconds;
  }

  /**
   * How long the cache keeps the entry: its TTL plus the time it may be served stale or, if
   * longer, {@code renewalSeconds} in which the same answer asked again renews it.
   */
  long lifetimeNanos(long staleSeconds, long renewalSeconds) {
    return (originalTtl + Math.max(staleSeconds, renewalSeconds)) * NANOS_PER_SECOND;
  }

  long originalTtl() {
    return originalTtl;
  }

  ResponseKind kind() {
    return kind;
  }

  int rcode() {
    return rcode;
  }

  /** The records as zone-file text with {@code ttl}, per section (answer, authority, additional). */
  List<List<String>> recordTexts(long ttl) {
    List<List<String>> sections = new ArrayList<>(SECTIONS.length);
    for (Record[] section : recordsWithTtl(clampTtl(ttl))) {
      List<String> texts = new ArrayList<>(section.length);
      for (Record record : section) {
        texts.add(record.toString());
      }
      sections.add(texts);
    }
    return sections;
  }

  /**
   * Counts one query at {@code nowNanos} and returns how many came without a gap of more than
   * {@code windowNanos} (CoreDNS's {@code freq.Update}).
   */
  synchronized int recordHit(long nowNanos, long windowNanos) {
    hits = startsAnew(nowNanos, windowNanos) ? 1 : hits + 1;
    seen = true;
    lastSeenNanos = nowNanos;
    return hits;
  }

  /** What {@link #recordHit} would return at {@code nowNanos}, without counting the query. */
  synchronized int peekHit(long nowNanos, long windowNanos) {
    return startsAnew(nowNanos, windowNanos) ? 1 : hits + 1;
  }

  private boolean startsAnew(long nowNanos, long windowNanos) {
    // A difference of ticker readings, never a comparison of two: nanoTime may be negative.
    return !seen || nowNanos - lastSeenNanos > windowNanos;
  }

  /** Carries the popularity of the entry this one replaced over, so a refresh keeps it. */
  void inheritHits(CachedAnswer previous, long nowNanos) {
    int previousHits = previous.hits();
    synchronized (this) {
      hits = previousHits;
      seen = true;
      lastSeenNanos = nowNanos;
    }
  }

  private synchronized int hits() {
    return hits;
  }

  /** Claims the single refresh of this entry; {@code false} when one is already under way. */
  boolean beginRefresh() {
    return refreshing.compareAndSet(false, true);
  }

  void endRefresh() {
    refreshing.set(false);
  }
}
