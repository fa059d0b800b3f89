package dev.corvus.dns.plugin.quic;

import dev.corvus.dns.api.listener.QueryService;
import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.metrics.Metrics;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the streams of one DoQ listener share: the query path, the worker pool ({@code
 * worker_pool_size} streams processed at once; the others wait, unread, as CoreDNS's wait for a
 * worker), the counter of stream and connection outcomes by DoQ code, and whether the listener
 * still takes queries.
 */
final class DoqService {

  final QueryService queries;
  private final int workers;
  private final AtomicInteger busy = new AtomicInteger();
  private final Queue<DoqStream> waiting = new ConcurrentLinkedQueue<>();
  private final Map<DoqCode, Counter.Child> outcomes = new EnumMap<>(DoqCode.class);
  volatile boolean stopped;
  /** How long a stream has to deliver its query ({@code timeouts}' read). */
  final Duration readTimeout;

  DoqService(QueryService queries, int workers, Duration readTimeout, Optional<Metrics> metrics, String server) {
    this.queries = queries;
    this.workers = workers;
    this.readTimeout = readTimeout;
    Counter counter = metrics.map(m -> m.counter("coredns_dns_quic_responses_total",
        "Counter of DoQ responses per server and QUIC application code.", "server", "status")).orElse(null);
    for (DoqCode code : DoqCode.values()) {
      outcomes.put(code, counter == null ? null : counter.labels(server, code.label()));
    }
  }

  void count(DoqCode code) {
    Counter.Child child = outcomes.get(code);
    if (child != null) {
      child.inc();
    }
  }

  /** A worker for {@code stream} now, or later through {@link DoqStream#workerGranted}. */
  boolean acquire(DoqStream stream) {
    while (true) {
      int now = busy.get();
      if (now >= workers) {
        waiting.add(stream);
        // A worker freed between the check and the queueing would otherwise be missed.
        if (busy.get() < workers && waiting.remove(stream)) {
          continue;
        }
        return false;
      }
      if (busy.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  /** Gives the worker back, or hands it to the next waiting stream. */
  void release() {
    DoqStream next;
    while ((next = waiting.poll()) != null) {
      if (next.workerGranted()) {
        return;
      }
    }
    busy.decrementAndGet();
  }

  /** Forgets a stream that closed while waiting. */
  void forget(DoqStream stream) {
    waiting.remove(stream);
  }
}
