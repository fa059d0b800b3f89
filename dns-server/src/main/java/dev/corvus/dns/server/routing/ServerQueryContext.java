package dev.corvus.dns.server.routing;

import dev.corvus.dns.api.QueryContext;
import dev.corvus.dns.api.io.IoLoop;
import dev.corvus.dns.api.metadata.MetadataSink;
import java.util.ArrayList;
import java.util.HashMap;
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
  /** The message a wire form was offered for, the form, and the records the message held then. */
  private Message wireFormMessage;
  private byte[] wireForm;
  private Record[] wireFormRecords;

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
    if (wire.length >= Header.LENGTH) {
      wireFormMessage = response;
      wireForm = wire;
      wireFormRecords = records(response, null);
    }
  }

  /**
   * The wire form offered for {@code response} when {@code response} is the message it was
   * offered for and nothing changed it since; {@code null} otherwise. The ID in it is not the
   * query's; callers copy it and leave the returned array as it is.
   */
  public synchronized byte[] wireFormOf(Message response) {
    byte[] wire = wireForm;
    if (wire == null || wireFormMessage != response || !sameHeader(response.getHeader(), wire)) {
      return null;
    }
    // The same counts (just compared), so the same records when each is the one offered.
    Record[] now = records(response, SCRATCH.get());
    Record[] was = wireFormRecords;
    if (now == null || was == null) {
      return null;
    }
    for (int i = 0; i < was.length; i++) {
      if (was[i] != now[i]) {
        return null;
      }
    }
    return wire;
  }

  /** Scratch arrays for the records of a response being checked, one per thread (no copy kept). */
  private static final ThreadLocal<Record[][]> SCRATCH = ThreadLocal.withInitial(() -> new Record[1][16]);

  /**
   * Every record of {@code message}, section after section, in {@code scratch[0]} when it is
   * long enough (grown otherwise), or in a new array of exactly their number when {@code scratch}
   * is null; {@code null} when the sections do not hold as many records as the header counts.
   */
  private static Record[] records(Message message, Record[][] scratch) {
    Header header = message.getHeader();
    int total = 0;
    for (int section = Section.QUESTION; section <= Section.ADDITIONAL; section++) {
      total += header.getCount(section);
    }
    Record[] all;
    if (scratch == null) {
      all = new Record[total];
    } else {
      if (scratch[0].length < total) {
        scratch[0] = new Record[Math.max(total, 2 * scratch[0].length)];
      }
      all = scratch[0];
    }
    int at = 0;
    Record[] sectionScratch = null;
    for (int section = Section.QUESTION; section <= Section.ADDITIONAL; section++) {
      int count = header.getCount(section);
      if (count == 0) {
        continue;
      }
      List<Record> records = message.getSection(section);
      if (records.size() != count) {
        return null;
      }
      // Copied by the list itself, without an iterator per section.
      if (sectionScratch == null) {
        sectionScratch = SECTION_SCRATCH.get();
      }
      Record[] copied = records.toArray(sectionScratch);
      if (copied != sectionScratch) {
        sectionScratch = copied;
        SECTION_SCRATCH.set(copied);
      }
      System.arraycopy(copied, 0, all, at, count);
      at += count;
    }
    return all;
  }

  /** Where a section's records are copied before they join the others, one per thread. */
  private static final ThreadLocal<Record[]> SECTION_SCRATCH = ThreadLocal.withInitial(() -> new Record[16]);

  /** Whether flags, opcode, rcode and the four counts of {@code header} are those of {@code wire}. */
  private static boolean sameHeader(Header header, byte[] wire) {
    int flags = header.getOpcode() << 11 | (header.getRcode() & 0xf);
    for (int flag : FLAG_BITS) {
      if (header.getFlag(flag)) {
        flags |= 1 << (15 - flag);
      }
    }
    if ((((wire[2] & 0xff) << 8) | (wire[3] & 0xff)) != flags) {
      return false;
    }
    for (int section = 0; section < 4; section++) {
      int count = ((wire[4 + 2 * section] & 0xff) << 8) | (wire[5 + 2 * section] & 0xff);
      if (count != header.getCount(section)) {
        return false;
      }
    }
    return true;
  }

  /** The header's flag bits, numbered from the most significant bit of the flags word as dnsjava does. */
  private static final int[] FLAG_BITS = {Flags.QR, Flags.AA, Flags.TC, Flags.RD, Flags.RA, 9, Flags.AD, Flags.CD};

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
