package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.api.io.StreamConnection;
import dev.corvus.dns.api.io.StreamHandler;
import dev.corvus.dns.api.io.StreamOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;

/**
 * One TCP or TLS connection to an upstream carrying pipelined queries (RFC 7766 §6.2.1.1): each
 * query gets an ID unused on this connection, answers are matched by ID in any order. Queries
 * sent while the connection (and its handshake) comes up wait in the server's connection; their
 * read timeout starts when it is up, within the query's budget. Once no query is pending the
 * connection closes after {@code expire} (by the plugin's ticker), or at once with {@code expire
 * 0} or when {@code max_idle_conns} connections to the upstream are idle already. Once it is
 * older than {@code max_age} its pool retires it: it takes no new queries and closes when the
 * last one is answered. Confined to its loop.
 */
final class PipelinedConnection implements StreamHandler {

  /** A query waiting for its answer. */
  private static final class Pending {
    final int id;
    final Record question;
    final CompletableFuture<UpstreamAnswer> result;
    final Purpose purpose;
    final boolean reused;
    final long timeoutNanos;
    final long budgetDeadline;
    TickerTimer timer;

    Pending(int id, Record question, CompletableFuture<UpstreamAnswer> result, Purpose purpose, boolean reused,
        long timeoutNanos, long budgetDeadline) {
      this.id = id;
      this.question = question;
      this.result = result;
      this.purpose = purpose;
      this.reused = reused;
      this.timeoutNanos = timeoutNanos;
      this.budgetDeadline = budgetDeadline;
    }
  }

  private final UpstreamLoop link;
  private final StreamConnectionPool owner;
  private final long expireNanos;
  private final long openedNanos;
  private final PendingQueries<Pending> pending = new PendingQueries<>();
  private StreamConnection connection;
  private boolean up;
  private boolean closed;
  /** Takes no new queries ({@code max_age}); closes once none is pending. */
  private boolean retired;
  /** Counted in its upstream's idle connections ({@link Upstream#keepIdleConnection}). */
  private boolean countedIdle;
  /** Why connecting failed, for queries sent after that. */
  private UpstreamException connectFailure;
  private TickerTimer idle;

  /** A connection not opened yet: its owner files it first, then calls {@link #open}. */
  PipelinedConnection(UpstreamLoop link, StreamConnectionPool owner, long expireNanos, long now) {
    this.link = link;
    this.owner = owner;
    this.expireNanos = expireNanos;
    this.openedNanos = now;
  }

  /** Starts connecting; a failure may be reported before this returns. */
  void open(StreamOptions options) {
    Upstream upstream = link.upstream();
    StreamConnection opened =
        link.loop().connect(upstream.address().address(), upstream.sourceAddress(), options, this);
    connection = opened;
  }

  /** Whether new queries may still be sent on this connection. */
  boolean isOpen() {
    return !closed && !retired;
  }

  /** The ticker reading when it was opened. */
  long openedNanos() {
    return openedNanos;
  }

  /** Takes no new queries from now on, and closes as soon as none is pending ({@code max_age}). */
  void retire() {
    retired = true;
    if (pending.isEmpty()) {
      close();
    }
  }

  /** Queries sent and not yet answered. */
  int inFlight() {
    return pending.size();
  }

  /**
   * Sends {@code wire} (its ID replaced by one free on this connection) and completes {@code
   * result} with the matching answer.
   *
   * @param reused whether the connection came from the pool, which makes an early close a
   *     {@link UpstreamException.CachedConnectionClosed}
   * @param timeoutNanos the read timeout, from the moment the connection is up
   * @param budgetNanos how long connecting and answering may take together
   */
  void send(byte[] wire, Record question, CompletableFuture<UpstreamAnswer> result, Purpose purpose, boolean reused,
      long timeoutNanos, long budgetNanos) {
    if (closed) {
      result.completeExceptionally(
          reused
              ? new UpstreamException.CachedConnectionClosed(link.upstream().label())
              : connectFailure != null
                  ? connectFailure
                  : new UpstreamException(link.upstream().label() + ": connection closed"));
      return;
    }
    if (idle != null) {
      idle.cancel();
      idle = null;
    }
    busyAgain();
    long now = link.ticker().read();
    int id = link.ids().nextFree(pending);
    Pending entry = new Pending(id, question, result, purpose, reused, timeoutNanos, now + budgetNanos);
    pending.put(id, entry);
    entry.timer = timer(entry, up ? Math.min(now + timeoutNanos, entry.budgetDeadline) : entry.budgetDeadline);
    connection.send(UdpExchange.withId(wire, id));
  }

  private TickerTimer timer(Pending entry, long deadline) {
    return TickerTimer.at(link.loop(), link.ticker(), deadline, () -> timedOut(entry));
  }

  private void timedOut(Pending entry) {
    if (pending.get(entry.id) != entry) {
      return;
    }
    pending.remove(entry.id);
    long now = link.ticker().read();
    entry.result.completeExceptionally(new UpstreamException.Timeout(link.upstream().label(), entry.timeoutNanos));
    becameIdleMaybe(now);
  }

  @Override
  public void connected() {
    up = true;
    // The read timeout runs from now, as CoreDNS's dial timeout is separate from its read timeout.
    long now = link.ticker().read();
    for (Pending entry : pending.values()) {
      entry.timer.cancel();
      entry.timer = timer(entry, Math.min(now + entry.timeoutNanos, entry.budgetDeadline));
    }
  }

  @Override
  public void received(ByteBuffer message) {
    Upstream upstream = link.upstream();
    int start = message.position();
    if (message.remaining() < 12) {
      upstream.countDropped("malformed");
      return;
    }
    Pending entry = pending.get(((message.get(start) & 0xff) << 8) | (message.get(start + 1) & 0xff));
    if (entry == null) {
      upstream.countDropped("id");
      return;
    }
    int end = message.limit();
    Message answer;
    try {
      answer = new Message(message);
    } catch (IOException e) {
      upstream.countDropped("malformed");
      return;
    }
    if (!AnswerCheck.answers(answer, entry.question)) {
      upstream.countDropped("question");
      return;
    }
    byte[] wire = entry.purpose.relaysAnswer() ? RelayWire.strip(message, start, end, answer) : null;
    pending.remove(entry.id);
    entry.timer.cancel();
    // Idle from now: read before the answer is handed on, so that whoever sees the answer sees
    // a ticker at or past the start of the idle time.
    long now = link.ticker().read();
    entry.result.complete(new UpstreamAnswer(answer, wire));
    becameIdleMaybe(now);
  }

  /** @param since when the connection became idle, if it did */
  private void becameIdleMaybe(long since) {
    if (closed || !pending.isEmpty()) {
      return;
    }
    if (expireNanos == 0 || retired) {
      close();
      return;
    }
    if (!countedIdle) {
      if (!link.upstream().keepIdleConnection()) {
        // max_idle_conns connections to this upstream are idle already.
        close();
        return;
      }
      countedIdle = true;
    }
    if (idle == null) {
      idle = TickerTimer.at(link.loop(), link.ticker(), since + expireNanos, () -> {
        idle = null;
        if (pending.isEmpty()) {
          close();
        }
      });
    }
  }

  /** Leaves the upstream's idle connections, if it was counted there. */
  private void busyAgain() {
    if (countedIdle) {
      countedIdle = false;
      link.upstream().idleConnectionGone();
    }
  }

  @Override
  public void closed(Throwable cause) {
    boolean wasUp = up;
    closed = true;
    busyAgain();
    owner.forget(this);
    if (idle != null) {
      idle.cancel();
      idle = null;
    }
    String label = link.upstream().label();
    if (!wasUp && cause != null) {
      connectFailure = new UpstreamException(label + ": connect failed: " + message(cause), cause);
    }
    for (Pending entry : pending.clear()) {
      entry.timer.cancel();
      UpstreamException error;
      if (connectFailure != null) {
        error = connectFailure;
      } else if (entry.reused) {
        error = new UpstreamException.CachedConnectionClosed(label);
      } else {
        error = new UpstreamException(label + ": connection closed before the answer");
      }
      entry.result.completeExceptionally(error);
    }
  }

  private static String message(Throwable cause) {
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  /** Closes the connection; pending queries fail with {@code error}. */
  void close(UpstreamException error) {
    closed = true;
    for (Pending entry : pending.clear()) {
      entry.timer.cancel();
      entry.result.completeExceptionally(error);
    }
    close();
  }

  private void close() {
    closed = true;
    busyAgain();
    if (connection != null) {
      connection.close();
    }
  }
}
