package dev.corvus.dns.plugin.cache;

import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * One cached response. Its records are kept in wire form (the EDNS0 OPT record and transaction
 * signatures are hop-by-hop and are dropped); every record is served with the same TTL, the
 * entry's remaining lifetime, as CoreDNS does. Records with a given TTL are built once by
 * patching the TTL into the wire form and reused until the TTL ticks down, so a hit only
 * assembles a message from shared immutable records: no parsing and no record construction.
 */
final class CachedAnswer {

  private static final int[] SECTIONS = {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL};

  /** Each record's uncompressed wire form, per section, and where its TTL field stands. */
  private final byte[][][] wire;
  private final int[][] ttlOffsets;
  private final ResponseKind kind;
  private final int rcode;
  private final boolean authoritative;
  private final boolean recursionAvailable;
  private final boolean authenticatedData;
  private final long storedMillis;
  private final long originalTtl;
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private volatile RecordsWithTtl current;
  private volatile WireTemplate template;

  // CoreDNS's freq: queries seen without a gap of the prefetch window.
  private long lastSeenMillis = Long.MIN_VALUE;
  private int hits;

  /** The records of every section with one TTL; shared by every reply built while it lasts. */
  private record RecordsWithTtl(long ttl, Record[][] sections) {}

  /**
   * A whole reply encoded once for the records of one TTL, so a hit copies it and patches the
   * header flags and the question's case instead of encoding: names equal but for case have the
   * same length, so the compression pointers stay valid.
   */
  private record WireTemplate(RecordsWithTtl records, int questionNameLength, byte[] wire) {}

  private CachedAnswer(
      byte[][][] wire, int[][] ttlOffsets, ResponseKind kind, Header header, long storedMillis, long originalTtl) {
    this.wire = wire;
    this.ttlOffsets = ttlOffsets;
    this.kind = kind;
    this.rcode = header.getRcode();
    this.authoritative = header.getFlag(Flags.AA);
    this.recursionAvailable = header.getFlag(Flags.RA);
    this.authenticatedData = header.getFlag(Flags.AD);
    this.storedMillis = storedMillis;
    this.originalTtl = originalTtl;
  }

  /**
   * Encodes {@code response} (whose rcode fits the header) for serving for {@code ttlSeconds}.
   */
  static CachedAnswer encode(Message response, ResponseKind kind, long nowMillis, long ttlSeconds) {
    byte[][][] wire = new byte[SECTIONS.length][][];
    int[][] ttlOffsets = new int[SECTIONS.length][];
    for (int i = 0; i < SECTIONS.length; i++) {
      List<byte[]> records = new ArrayList<>();
      List<Integer> offsets = new ArrayList<>();
      for (Record record : response.getSection(SECTIONS[i])) {
        int type = record.getType();
        if (type == Type.OPT || type == Type.TSIG || (type == Type.SIG && SECTIONS[i] == Section.ADDITIONAL)) {
          continue;
        }
        records.add(record.toWire(SECTIONS[i]));
        // owner name, then type (2) and class (2), then the TTL
        offsets.add(record.getName().length() + 4);
      }
      wire[i] = records.toArray(new byte[0][]);
      ttlOffsets[i] = offsets.stream().mapToInt(Integer::intValue).toArray();
    }
    CachedAnswer answer = new CachedAnswer(wire, ttlOffsets, kind, response.getHeader(), nowMillis, ttlSeconds);
    answer.current = answer.recordsWithTtl(ttlSeconds);
    return answer;
  }

  private RecordsWithTtl recordsWithTtl(long ttl) {
    long clamped = Math.max(0, Math.min(ttl, 0x7fffffffL));
    Record[][] sections = new Record[SECTIONS.length][];
    for (int i = 0; i < SECTIONS.length; i++) {
      sections[i] = new Record[wire[i].length];
      for (int j = 0; j < wire[i].length; j++) {
        byte[] patched = wire[i][j].clone();
        int offset = ttlOffsets[i][j];
        patched[offset] = (byte) (clamped >>> 24);
        patched[offset + 1] = (byte) (clamped >>> 16);
        patched[offset + 2] = (byte) (clamped >>> 8);
        patched[offset + 3] = (byte) clamped;
        try {
          sections[i][j] = Record.fromWire(patched, SECTIONS[i]);
        } catch (IOException e) {
          throw new UncheckedIOException("cached record does not parse", e);
        }
      }
    }
    return new RecordsWithTtl(clamped, sections);
  }

  /**
   * The response to {@code request}: its ID, its RD and CD bits and its question exactly as the
   * client wrote it (so the client's case is echoed), every record with {@code ttl}.
   *
   * @param forceAuthoritative whether to set AA whatever upstream said (CoreDNS does on hits,
   *     because some stub resolvers discard non-authoritative answers)
   */
  Message render(Request request, long ttl, boolean forceAuthoritative) {
    RecordsWithTtl records = current;
    if (records.ttl() != ttl) {
      // Races only build the same records twice; dnsjava records are immutable and shareable.
      records = recordsWithTtl(ttl);
      current = records;
    }
    Header query = request.message().getHeader();
    Message reply = new Message(query.getID());
    Header header = reply.getHeader();
    header.setFlag(Flags.QR);
    if (forceAuthoritative || authoritative) {
      header.setFlag(Flags.AA);
    }
    if (query.getFlag(Flags.RD)) {
      header.setFlag(Flags.RD);
    }
    if (recursionAvailable) {
      header.setFlag(Flags.RA);
    }
    // RFC 6840 §5.7-5.8: AD only for clients that asked for DNSSEC or set AD themselves.
    if (authenticatedData && (request.dnssecOk() || query.getFlag(Flags.AD))) {
      header.setFlag(Flags.AD);
    }
    if (query.getFlag(Flags.CD)) {
      header.setFlag(Flags.CD);
    }
    header.setRcode(rcode);
    reply.addRecord(request.question(), Section.QUESTION);
    for (int i = 0; i < SECTIONS.length; i++) {
      for (Record record : records.sections()[i]) {
        reply.addRecord(record, SECTIONS[i]);
      }
    }
    return preEncoded(reply, records, request);
  }

  /** {@code reply} with its wire form from the template of {@code records}, built on first use. */
  private Message preEncoded(Message reply, RecordsWithTtl records, Request request) {
    byte[] questionName = request.qname().toWire();
    WireTemplate encoded = template;
    if (encoded == null || encoded.records() != records) {
      encoded = new WireTemplate(records, questionName.length, reply.toWire());
      template = encoded;
    }
    if (encoded.questionNameLength() != questionName.length) {
      return reply;
    }
    byte[] wire = encoded.wire().clone();
    byte[] header = reply.getHeader().toWire();
    wire[2] = header[2];
    wire[3] = header[3];
    System.arraycopy(questionName, 0, wire, Header.LENGTH, questionName.length);
    return Responses.preEncoded(reply, wire);
  }

  /** Seconds left at {@code nowMillis}; zero or negative once expired. */
  long remainingTtl(long nowMillis) {
    return originalTtl - Math.floorDiv(nowMillis - storedMillis, 1000L);
  }

  /** Whether the entry may be served at {@code nowMillis}: fresh, or stale for less than {@code staleSeconds}. */
  boolean usable(long nowMillis, long staleSeconds) {
    long ttl = remainingTtl(nowMillis);
    return ttl > 0 || -ttl < staleSeconds;
  }

  /** How long the cache keeps the entry: its TTL plus the time it may be served stale. */
  long lifetimeNanos(long staleSeconds) {
    return (originalTtl + staleSeconds) * 1_000_000_000L;
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

  /**
   * The records as zone-file text with {@code ttl}, per section (answer, authority, additional),
   * built afresh so that inspecting leaves the records shared by hits alone.
   */
  List<List<String>> recordTexts(long ttl) {
    RecordsWithTtl records = recordsWithTtl(ttl);
    List<List<String>> sections = new ArrayList<>(SECTIONS.length);
    for (Record[] section : records.sections()) {
      List<String> texts = new ArrayList<>(section.length);
      for (Record record : section) {
        texts.add(record.toString());
      }
      sections.add(texts);
    }
    return sections;
  }

  /**
   * Counts one query at {@code nowMillis} and returns how many came without a gap of {@code
   * windowMillis} or more (CoreDNS's {@code freq.Update}).
   */
  synchronized int recordHit(long nowMillis, long windowMillis) {
    if (lastSeenMillis == Long.MIN_VALUE || lastSeenMillis < nowMillis - windowMillis) {
      hits = 1;
    } else {
      hits++;
    }
    lastSeenMillis = nowMillis;
    return hits;
  }

  /** What {@link #recordHit} would return at {@code nowMillis}, without counting the query. */
  synchronized int peekHit(long nowMillis, long windowMillis) {
    if (lastSeenMillis == Long.MIN_VALUE || lastSeenMillis < nowMillis - windowMillis) {
      return 1;
    }
    return hits + 1;
  }

  /** Carries the popularity of the entry this one replaced over, so a refresh keeps it. */
  void inheritHits(CachedAnswer previous, long nowMillis) {
    int previousHits = previous.hits();
    synchronized (this) {
      hits = previousHits;
      lastSeenMillis = nowMillis;
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
