package dev.corvus.dns.api;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xbill.DNS.Message;

/**
 * State that belongs to one query from arrival to the written response, shared by every {@link
 * Request} derived from it with {@link Request#withMessage}. Handlers use it to pass values to
 * each other (CoreDNS's metadata) and to learn what was finally sent.
 */
public final class QueryContext {

  /**
   * Typed key of an attribute.
   *
   * @param <T> the attribute's type
   * @param name the attribute's name, for debugging
   */
  public record Key<T>(String name) {}

  /** Told once about the response the server sent (or did not send) for this query. */
  @FunctionalInterface
  public interface ResponseListener {
    /**
     * @param response the response as sent, or {@code null} when the query was dropped
     * @param wireBytes its size on the wire, 0 when dropped
     */
    void written(Message response, int wireBytes);
  }

  private final long startNanos;
  private final boolean explaining;
  private final boolean overloaded;
  private volatile String respondedBy = "";
  private volatile Map<Key<?>, Object> attributes;
  private volatile List<ResponseListener> listeners;

  /**
   * @param startNanos {@link System#nanoTime()} when the query was read
   */
  public QueryContext(long startNanos) {
    this(startNanos, false);
  }

  /**
   * @param startNanos {@link System#nanoTime()} when the query was read
   * @param explaining whether the query is a side-effect-free explanation (see {@link
   *     Chain#explaining()})
   */
  public QueryContext(long startNanos, boolean explaining) {
    this(startNanos, explaining, false);
  }

  /**
   * @param startNanos {@link System#nanoTime()} when the query was read
   * @param explaining whether the query is a side-effect-free explanation
   * @param overloaded whether the server already held as many queries waiting on I/O as it
   *     accepts when this one arrived (see {@link #overloaded()})
   */
  public QueryContext(long startNanos, boolean explaining, boolean overloaded) {
    this.startNanos = startNanos;
    this.explaining = explaining;
    this.overloaded = overloaded;
  }

  /**
   * Whether the server is at its bound of queries waiting on I/O. Answers from memory are still
   * wanted; a handler about to start I/O (an upstream query, a file read) should instead fail at
   * once with {@link DnsException#shed}, which the server counts as shed load (and answers
   * REFUSED over TCP), so that no memory is committed to a query that would be dropped anyway.
   */
  public boolean overloaded() {
    return overloaded;
  }

  /** Whether this query is an explanation that handlers must run without side effects. */
  public boolean explaining() {
    return explaining;
  }

  /** {@link System#nanoTime()} when the server read the query. */
  public long startNanos() {
    return startNanos;
  }

  /**
   * The directive of the handler that produced the response (CoreDNS's {@code plugin} label of
   * {@code coredns_dns_responses_total}); empty until a handler answered.
   */
  public String respondedBy() {
    return respondedBy;
  }

  /** Records the directive that produced the response; called by the server's chain. */
  public void respondedBy(String directive) {
    this.respondedBy = directive;
  }

  /** The attribute under {@code key}, or {@code null}. */
  @SuppressWarnings("unchecked")
  public <T> T get(Key<T> key) {
    Map<Key<?>, Object> map = attributes;
    return map == null ? null : (T) map.get(key);
  }

  /** Stores an attribute for the handlers that run later for this query. */
  public <T> void put(Key<T> key, T value) {
    Map<Key<?>, Object> map = attributes;
    if (map == null) {
      synchronized (this) {
        map = attributes;
        if (map == null) {
          map = new ConcurrentHashMap<>(4);
          attributes = map;
        }
      }
    }
    map.put(key, value);
  }

  /**
   * Asks to be told about the response once the server has written it, with its size on the
   * wire (the {@code log} and {@code prometheus} plugins use this).
   */
  public void onWritten(ResponseListener listener) {
    List<ResponseListener> list = listeners;
    if (list == null) {
      synchronized (this) {
        list = listeners;
        if (list == null) {
          list = new CopyOnWriteArrayList<>();
          listeners = list;
        }
      }
    }
    list.add(listener);
  }

  /**
   * Tells every listener about the response; called once by the server after writing.
   *
   * @param response the response as sent, or {@code null} when the query was dropped
   * @param wireBytes its size on the wire
   */
  public void fireWritten(Message response, int wireBytes) {
    List<ResponseListener> list = listeners;
    if (list != null) {
      for (ResponseListener listener : list) {
        listener.written(response, wireBytes);
      }
    }
  }
}
