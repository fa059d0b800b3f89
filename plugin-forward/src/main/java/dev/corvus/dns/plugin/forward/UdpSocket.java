package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.api.io.DatagramConnection;
import dev.corvus.dns.api.io.DatagramHandler;
import java.io.IOException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * One long-lived UDP socket to one upstream on a random ephemeral port, carrying many queries at
 * once. The socket is connected ({@link dev.corvus.dns.api.io.IoLoop#openDatagram}), so the
 * kernel delivers only the upstream's datagrams, and reports an ICMP port unreachable at once:
 * every query waiting here then fails immediately (and, for forwarded queries, the upstream
 * counts one failure towards {@code max_fails}), so that the failover moves on without waiting
 * for a timeout. An answer completes the query waiting under its ID only when it echoes the
 * question (RFC 5452 §9); anything else is dropped and counted, and the query goes on waiting.
 * After {@link UdpLoopSockets} retires the socket it takes no new queries and closes once the last
 * one is answered or timed out. Confined to its loop: every method runs there.
 */
final class UdpSocket implements DatagramHandler {

  private final UpstreamLoop link;
  private final UdpLoopSockets owner;
  private final long openedNanos;
  private final PendingQueries<UdpExchange> pending = new PendingQueries<>();
  private DatagramConnection connection;
  private int uses;
  private boolean retired;
  /** Failed or closed: the connection may still be null when that happened while opening. */
  private boolean ended;

  /** Why the socket ended, for queries sent after that. */
  private UpstreamException endedWith;

  /** A socket not opened yet: its owner files it first, then calls {@link #open()}. */
  UdpSocket(UpstreamLoop link, UdpLoopSockets owner, long now) {
    this.link = link;
    this.owner = owner;
    this.openedNanos = now;
  }

  /** Opens the connected socket; a failure may be reported before this returns. */
  void open() {
    Upstream upstream = link.upstream();
    DatagramConnection opened = link.loop().openDatagram(upstream.address().address(), upstream.sourceAddress(), this);
    connection = opened;
  }

  /** Whether a new query may use this socket: not retired, not failed, young enough. */
  boolean takesQueries(long now, int maxUses, long maxAgeNanos) {
    return !retired && !ended && uses < maxUses && now - openedNanos < maxAgeNanos;
  }

  /** Sends {@code wire} under a random ID free on this socket; {@code result} gets the answer. */
  void send(byte[] wire, Record question, long timeoutNanos, Purpose purpose, CompletableFuture<UpstreamAnswer> result) {
    if (ended) {
      result.completeExceptionally(endedWith);
      return;
    }
    uses++;
    int id = link.ids().nextFree(pending);
    UdpExchange exchange = new UdpExchange(id, question, result, purpose);
    pending.put(id, exchange);
    exchange.timer =
        TickerTimer.at(
            link.loop(),
            link.ticker(),
            link.ticker().read() + timeoutNanos,
            () -> fail(exchange, new UpstreamException.Timeout(link.upstream().label(), timeoutNanos)));
    connection.send(exchange.query(wire));
  }

  /** The queries waiting for an answer on this socket. */
  int waiting() {
    return pending.size();
  }

  /** Takes no new queries; closes when none is waiting. */
  void retire() {
    retired = true;
    closeIfIdle();
  }

  /** Fails every waiting query with {@code error} and closes the socket. */
  void close(UpstreamException error) {
    retired = true;
    failAll(error);
    if (connection != null) {
      connection.close();
    }
  }

  @Override
  public void received(ByteBuffer datagram) {
    Upstream upstream = link.upstream();
    int start = datagram.position();
    int length = datagram.remaining();
    if (length < 12) {
      upstream.countDropped("malformed");
      return;
    }
    UdpExchange exchange = pending.get(((datagram.get(start) & 0xff) << 8) | (datagram.get(start + 1) & 0xff));
    if (exchange == null) {
      upstream.countDropped("id");
      return;
    }
    if (length >= connection.maxReceive()) {
      // Cut short by the receive buffer: unreadable as a whole, but its header and question are
      // there to check; asked again over TCP like a truncated answer.
      if (!echoesQuestion(datagram, exchange.question)) {
        upstream.countDropped("question");
        return;
      }
      complete(exchange, UpstreamAnswer.parsedOnly(cutAnswer(exchange)));
      return;
    }
    Message answer;
    try {
      answer = new Message(datagram);
    } catch (IOException e) {
      upstream.countDropped("malformed");
      return;
    }
    if (!AnswerCheck.answers(answer, exchange.question)) {
      upstream.countDropped("question");
      return;
    }
    byte[] wire = exchange.purpose.relaysAnswer() ? RelayWire.strip(datagram, start, start + length, answer) : null;
    complete(exchange, new UpstreamAnswer(answer, wire));
  }

  /**
   * The kernel reported an error for the upstream (an ICMP port unreachable: nobody listens
   * there), or the socket could not be bound. Every query waiting here fails at once; the socket
   * is closed right after this call and its slot opens a new one for the next query.
   */
  @Override
  public void failed(IOException cause) {
    if (ended) {
      return;
    }
    ended = true;
    boolean unreachable = isUpstreamUnreachable(cause);
    String label = link.upstream().label();
    UpstreamException error = unreachable
        ? new UpstreamException.Unreachable(label, cause)
        : new UpstreamException(label + ": socket failed: " + describe(cause), cause);
    endedWith = error;
    owner.forget(this);
    List<UdpExchange> waiting = pending.clear();
    // One report is one failure of the upstream, however many queries shared the socket; a
    // local failure (no port to bind) is not the upstream's.
    if (unreachable && waiting.stream().anyMatch(e -> e.purpose.countsUnreachable())) {
      link.upstream().unreachable();
    }
    for (UdpExchange exchange : waiting) {
      exchange.timer.cancel();
      exchange.result.completeExceptionally(error);
    }
  }

  @Override
  public void closed() {
    ended = true;
    if (endedWith == null) {
      endedWith = new UpstreamException(link.upstream().label() + ": socket closed");
    }
    owner.forget(this);
    failAll(endedWith);
  }

  /** A socket error that is not the upstream's, e.g. a {@code source_address} this host does not have. */
  private String describe(IOException cause) {
    String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return link.upstream().sourceAddress()
        .map(source -> message + " (source_address " + source.getHostAddress() + ")")
        .orElse(message);
  }

  private static boolean isUpstreamUnreachable(IOException cause) {
    return cause instanceof PortUnreachableException || cause instanceof NoRouteToHostException;
  }

  private void failAll(UpstreamException error) {
    for (UdpExchange exchange : pending.clear()) {
      exchange.timer.cancel();
      exchange.result.completeExceptionally(error);
    }
  }

  private void complete(UdpExchange exchange, UpstreamAnswer answer) {
    pending.remove(exchange.id);
    exchange.timer.cancel();
    closeIfIdle();
    exchange.result.complete(answer);
  }

  private void fail(UdpExchange exchange, UpstreamException error) {
    if (pending.get(exchange.id) != exchange) {
      return;
    }
    pending.remove(exchange.id);
    exchange.timer.cancel();
    closeIfIdle();
    exchange.result.completeExceptionally(error);
  }

  private void closeIfIdle() {
    if (retired && pending.isEmpty() && !ended) {
      owner.forget(this);
      connection.close();
    }
  }

  /**
   * Whether {@code answer} is a response (QR) whose question section is {@code question}'s, the
   * name compared case-insensitively (RFC 5452 §9): what the parsed path checks with {@link
   * AnswerCheck}, read from the raw bytes of an answer too long to parse.
   */
  private static boolean echoesQuestion(ByteBuffer answer, Record question) {
    int start = answer.position();
    byte[] expected = question.toWire(Section.QUESTION);
    if ((answer.get(start + 2) & 0x80) == 0
        || ((answer.get(start + 4) & 0xff) << 8 | (answer.get(start + 5) & 0xff)) != 1
        || answer.remaining() < 12 + expected.length) {
      return false;
    }
    int nameLength = question.getName().length();
    for (int i = 0; i < expected.length; i++) {
      byte actual = answer.get(start + 12 + i);
      if (i < nameLength ? asciiLower(actual) != asciiLower(expected[i]) : actual != expected[i]) {
        return false;
      }
    }
    return true;
  }

  private static int asciiLower(byte b) {
    return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
  }

  private static Message cutAnswer(UdpExchange exchange) {
    Message answer = new Message(exchange.id);
    answer.getHeader().setFlag(Flags.QR);
    answer.getHeader().setFlag(Flags.TC);
    answer.addRecord(exchange.question, Section.QUESTION);
    return answer;
  }
}
