package dev.corvus.dns.server.routing;

import dev.corvus.dns.api.QueryContext;
import dev.corvus.dns.api.ResponseSigner;
import dev.corvus.dns.api.io.IoLoop;
import dev.corvus.dns.api.metadata.MetadataSink;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * The server's {@link QueryContext}: what handlers may read and add, and what only the server
 * records — the responding directive, the metadata collected for the block, the wire form
 * offered for the response, and the listeners it fires once the response is written.
 */
public final class ServerQueryContext implements QueryContext {

  private static final Logger LOG = LoggerFactory.getLogger(ServerQueryContext.class);

  private final long startNanos;
  private final boolean explaining;
  private final boolean overloaded;
  private final IoLoop loop;
  private volatile String respondedBy = "";
  /** Attributes as key, value, key, value...: a query carries a handful at most. */
  private Object[] attributes;
  private int attributeCount;
  /** The first listener; most queries have one (the prometheus directive's), so no list for it. */
  private ResponseListener listener;
  private List<ResponseListener> moreListeners;
  private Map<String, Metadatum> metadata;
  /** The header bits that are flags (dnsjava's {@code Flags.isFlag}): QR, AA, TC, RD, RA, Z, AD, CD. */
  private static final int[] FLAG_BITS = {0, 5, 6, 7, 8, 9, 10, 11};
  private static final Record[] NO_RECORDS = new Record[0];

  private boolean metadataStarted;
  private WireForm wireForm;
  private byte[] signedQueryWire;
  /** The query's bytes while the server runs the chain for it on {@link #receivedOn}; see {@link #receivedQueryWire}. */
  private ByteBuffer received;
  private int receivedStart;
  private int receivedEnd;
  private Message receivedQuery;
  private Record receivedQuestion;
  private Record receivedOpt;
  private Thread receivedOn;
  private ResponseSigner signer;
  private Iterator<Message> continuation;

  /**
   * @param startNanos when the query was read
   * @param explaining whether the query is a side-effect-free explanation
   * @param overloaded whether the server was at its in-flight bound when the query arrived
   * @param loop the I/O loop the query arrived on
   */
  public ServerQueryContext(long startNanos, boolean explaining, boolean overloaded, IoLoop loop) {
    this.startNanos = startNanos;
    this.explaining = explaining;
    this.overloaded = overloaded;
    this.loop = loop;
  }

  @Override
  public long startNanos() {
    return startNanos;
  }

  @Override
  public boolean explaining() {
    return explaining;
  }

  @Override
  public boolean overloaded() {
    return overloaded;
  }

  @Override
  public IoLoop loop() {
    return loop;
  }

  @Override
  public String respondedBy() {
    return respondedBy;
  }

  /**
   * Records the directive that produced the response; the server's chain calls it (and the test
   * kit's chain harness, which plays the server's part).
   */
  public void respondedBy(String directive) {
    this.respondedBy = directive;
  }

  @Override
  @SuppressWarnings("unchecked")
  public synchronized <T> T get(Key<T> key) {
    for (int i = 0; i < attributeCount; i += 2) {
      if (attributes[i].equals(key)) {
        return (T) attributes[i + 1];
      }
    }
    return null;
  }

  @Override
  public synchronized <T> void put(Key<T> key, T value) {
    for (int i = 0; i < attributeCount; i += 2) {
      if (attributes[i].equals(key)) {
        attributes[i + 1] = value;
        return;
      }
    }
    if (attributes == null) {
      attributes = new Object[4];
    } else if (attributeCount == attributes.length) {
      attributes = java.util.Arrays.copyOf(attributes, attributeCount * 2);
    }
    attributes[attributeCount++] = key;
    attributes[attributeCount++] = value;
  }

  @Override
  public synchronized void onWritten(ResponseListener listener) {
    if (this.listener == null) {
      this.listener = listener;
      return;
    }
    if (moreListeners == null) {
      moreListeners = new ArrayList<>(2);
    }
    moreListeners.add(listener);
  }

  /**
   * Tells every listener about the response; called once by the server after writing, on the
   * query's loop.
   *
   * @param response the response as sent, or {@code null} when the query was dropped
   * @param wireBytes its size on the wire
   */
  public void fireWritten(Message response, int wireBytes) {
    ResponseListener first;
    List<ResponseListener> more;
    synchronized (this) {
      first = listener;
      more = moreListeners;
      listener = null;
      moreListeners = null;
    }
    if (first == null) {
      return;
    }
    tell(first, response, wireBytes);
    if (more != null) {
      for (ResponseListener next : more) {
        tell(next, response, wireBytes);
      }
    }
  }

  private static void tell(ResponseListener listener, Message response, int wireBytes) {
    try {
      listener.written(response, wireBytes);
    } catch (RuntimeException e) {
      LOG.warn("a response listener failed: {}", e.toString());
    }
  }

  @Override
  public synchronized Optional<String> metadata(String label) {
    Metadatum value = metadata == null ? null : metadata.get(label);
    return value == null ? Optional.empty() : Optional.ofNullable(value.get());
  }

  /**
   * Whether the block's metadata is still to be collected for this query; true the first time
   * only, so a block whose view already collected it does not collect it again in its chain.
   */
  public synchronized boolean startMetadata() {
    if (metadataStarted) {
      return false;
    }
    metadataStarted = true;
    return true;
  }

  /** Where the {@code metadata} directive's providers publish this query's labels. */
  public MetadataSink metadataSink() {
    return (label, value) -> {
      synchronized (this) {
        if (metadata == null) {
          metadata = new HashMap<>();
        }
        metadata.put(label, new Metadatum(value));
      }
    };
  }

  @Override
  public synchronized void offerWireForm(Message response, byte[] wire) {
    Record[] records = wire.length >= Header.LENGTH ? snapshot(response) : null;
    if (records != null) {
      wireForm = new WireForm(response, wire, records);
    }
  }

  /**
   * The wire form offered for {@code response} when {@code response} is the message it was
   * offered for and nothing changed it since; {@code null} otherwise. The ID in it is not the
   * query's; callers copy it and leave the returned array as it is.
   */
  public synchronized byte[] wireFormOf(Message response) {
    WireForm form = wireForm;
    if (form == null || form.message() != response) {
      return null;
    }
    byte[] wire = form.wire();
    // Flags, opcode, rcode and the four counts; the ID is the server's to set. Read from the
    // header's fields rather than its encoding, which would allocate on every response.
    Header header = response.getHeader();
    if (flagsWord(header) != ((wire[2] & 0xff) << 8 | (wire[3] & 0xff))) {
      return null;
    }
    // The records by identity, in order: one flat snapshot, read by index (no iterator).
    Record[] was = form.records();
    int k = 0;
    for (int section = Section.QUESTION; section <= Section.ADDITIONAL; section++) {
      int at = 4 + 2 * section;
      if (header.getCount(section) != ((wire[at] & 0xff) << 8 | (wire[at + 1] & 0xff))) {
        return null;
      }
      List<Record> now = response.getSection(section);
      int size = now.size();
      if (k + size > was.length) {
        return null;
      }
      for (int i = 0; i < size; i++) {
        if (was[k++] != now.get(i)) {
          return null;
        }
      }
    }
    return k == was.length ? wire : null;
  }

  /** The header's second 16 bits as they are encoded: QR, opcode, AA, TC, RD, RA, Z, AD, CD, rcode. */
  private static int flagsWord(Header header) {
    int word = header.getOpcode() << 11 | header.getRcode();
    for (int bit : FLAG_BITS) {
      if (header.getFlag(bit)) {
        word |= 1 << (15 - bit);
      }
    }
    return word;
  }

  /** Keeps the query's bytes as received; the server calls it for queries that carry TSIG. */
  public void signedQueryWire(byte[] wire) {
    this.signedQueryWire = wire;
  }

  @Override
  public Optional<byte[]> signedQueryWire() {
    return Optional.ofNullable(signedQueryWire);
  }

  /**
   * Lends the context the bytes {@code query} was parsed from, for {@link #receivedQueryWire}
   * while the server runs the chain on this thread; {@link #forgetReceivedQuery} ends the loan.
   * Only a plain query is kept: one question, at most an OPT record besides, TC clear (dnsjava
   * keeps what it could read of a truncated query, which its bytes would not match).
   *
   * @param wire the buffer the query was read from; read by index only, between {@code start}
   *     and {@code end}
   */
  public void receivedQuery(Message query, ByteBuffer wire, int start, int end) {
    Header header = query.getHeader();
    Record opt = query.getOPT();
    if (header.getFlag(Flags.TC)
        || header.getCount(Section.ANSWER) != 0
        || header.getCount(Section.AUTHORITY) != 0
        || header.getCount(Section.ADDITIONAL) != (opt == null ? 0 : 1)
        || end - start < Header.LENGTH) {
      return;
    }
    this.received = wire;
    this.receivedStart = start;
    this.receivedEnd = end;
    this.receivedQuery = query;
    this.receivedQuestion = query.getQuestion();
    this.receivedOpt = opt;
    this.receivedOn = Thread.currentThread();
  }

  /** The server is done running the chain synchronously: the query's buffer is no longer lent. */
  public void forgetReceivedQuery() {
    received = null;
    receivedQuery = null;
    receivedOn = null;
  }

  @Override
  public Optional<byte[]> receivedQueryWire(Message query) {
    ByteBuffer wire = received;
    if (wire == null || query != receivedQuery || Thread.currentThread() != receivedOn
        || query.getQuestion() != receivedQuestion || query.getOPT() != receivedOpt) {
      return Optional.empty();
    }
    int start = receivedStart;
    Header header = query.getHeader();
    if (flagsWord(header) != u16(wire, start + 2)) {
      return Optional.empty();
    }
    for (int section = Section.QUESTION; section <= Section.ADDITIONAL; section++) {
      if (header.getCount(section) != u16(wire, start + 4 + 2 * section)) {
        return Optional.empty();
      }
    }
    byte[] copy = new byte[receivedEnd - start];
    wire.get(start, copy);
    return Optional.of(copy);
  }

  private static int u16(ByteBuffer buffer, int index) {
    return (buffer.get(index) & 0xff) << 8 | (buffer.get(index + 1) & 0xff);
  }

  @Override
  public synchronized void signResponses(ResponseSigner responseSigner) {
    this.signer = responseSigner;
  }

  /** The signer registered for this query's messages, or {@code null}. */
  public synchronized ResponseSigner signer() {
    return signer;
  }

  @Override
  public synchronized void continueWith(Iterator<Message> rest) {
    this.continuation = rest;
  }

  /** The messages to send after the response, or {@code null}. */
  public synchronized Iterator<Message> continuation() {
    return continuation;
  }

  /**
   * Every record of {@code message}, section after section, in order; {@code null} when a
   * section does not hold as many records as the header counts (dnsjava keeps what it could read
   * of a truncated message), which then is not offered. One {@code getSection} per section.
   */
  private static Record[] snapshot(Message message) {
    Header header = message.getHeader();
    int total = 0;
    for (int section = Section.QUESTION; section <= Section.ADDITIONAL; section++) {
      total += header.getCount(section);
    }
    Record[] records = total == 0 ? NO_RECORDS : new Record[total];
    int k = 0;
    for (int section = Section.QUESTION; section <= Section.ADDITIONAL; section++) {
      List<Record> list = message.getSection(section);
      int size = list.size();
      if (size != header.getCount(section)) {
        return null;
      }
      for (int i = 0; i < size; i++) {
        records[k++] = list.get(i);
      }
    }
    return records;
  }

  /** The wire form offered for a message, with the records the message held then. */
  private record WireForm(Message message, byte[] wire, Record[] records) {}

  /** A published label, computed at most once. */
  private static final class Metadatum {
    private Supplier<String> supplier;
    private String value;

    Metadatum(Supplier<String> supplier) {
      this.supplier = supplier;
    }

    String get() {
      if (supplier != null) {
        value = supplier.get();
        supplier = null;
      }
      return value;
    }
  }
}
