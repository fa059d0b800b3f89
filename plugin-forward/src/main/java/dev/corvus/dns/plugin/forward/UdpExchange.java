package dev.corvus.dns.plugin.forward;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.xbill.DNS.Record;

/**
 * One query waiting on a pooled UDP socket ({@link UdpSocket}): the random ID it was sent with,
 * the question its answer must echo, the answer's future and the timer that ends the wait.
 * Confined to the socket's loop.
 */
final class UdpExchange {

  final int id;
  final Record question;
  final CompletableFuture<UpstreamAnswer> result;
  /** Why the query is sent: whether its answer is relayed, whether a port unreachable counts. */
  final Purpose purpose;
  TickerTimer timer;

  UdpExchange(int id, Record question, CompletableFuture<UpstreamAnswer> result, Purpose purpose) {
    this.id = id;
    this.question = question;
    this.result = result;
    this.purpose = purpose;
  }

  /** {@code wire} with its ID replaced by this exchange's. */
  byte[] query(byte[] wire) {
    return withId(wire, id);
  }

  /** A copy of {@code wire} with its ID replaced by {@code id}. */
  static byte[] withId(byte[] wire, int id) {
    byte[] query = Arrays.copyOf(wire, wire.length);
    query[0] = (byte) (id >>> 8);
    query[1] = (byte) id;
    return query;
  }
}
