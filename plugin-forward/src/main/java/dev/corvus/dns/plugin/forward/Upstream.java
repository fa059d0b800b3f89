package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.api.Ticker;
import dev.corvus.dns.api.io.IoLoop;
import dev.corvus.dns.api.io.TlsClient;
import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.metrics.Gauge;
import dev.corvus.dns.api.metrics.Histogram;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;

/**
 * One upstream server while the plugin runs: its failure count (as CoreDNS counts failed health
 * checks, plus the port unreachables the kernel reports for forwarded queries), its round-trip
 * estimate, its metrics, and per I/O loop its sockets and connections ({@link UpstreamLoop}).
 */
final class Upstream {

  private final UpstreamAddress address;
  private final String label;
  private final ForwardConfig config;
  private final ForwardMetrics metrics;
  private final Ticker ticker;
  private final SecureRandom random;
  private final RttEstimator rtt;
  private final AtomicInteger fails = new AtomicInteger();
  private final int maxFails;
  private final Counter.Child requests;
  private final Gauge.Child healthy;
  private final ConcurrentMap<String, Counter.Child> dropped = new ConcurrentHashMap<>();
  /** {@link #responseMetrics} by rcode (the header's 4 bits); filled on first use. */
  private final ResponseMetrics[] byRcode = new ResponseMetrics[16];
  private final ConcurrentMap<IoLoop, UpstreamLoop> loops = new ConcurrentHashMap<>();
  private final AtomicInteger idleConnections = new AtomicInteger();
  private final Optional<TlsClient> tls;
  /** The DNS over HTTPS client of an {@code https://} upstream, else {@code null}. */
  private final DohClient doh;
  private volatile HealthChecker healthChecker;
  private volatile boolean closed;

  /**
   * @param random the generator the loops draw query IDs from
   */
  Upstream(UpstreamAddress address, ForwardConfig config, ForwardMetrics metrics, Ticker ticker, SecureRandom random) {
    this.address = address;
    this.label = address.label();
    this.config = config;
    this.metrics = metrics;
    this.ticker = ticker;
    this.random = random;
    this.maxFails = config.maxFails();
    this.rtt = new RttEstimator(config.readTimeout());
    this.tls = config.tlsClientFor(address);
    this.doh = address.https()
        ? new DohClient(address, config, config.serverNameFor(address), metrics, ticker)
        : null;
    this.requests = metrics.requests.labels(label);
    this.healthy = metrics.upstreamHealthy.labels(label);
    healthy.set(1);
  }

  UpstreamAddress address() {
    return address;
  }

  /** The {@code to} label of the metrics. */
  String label() {
    return label;
  }

  /** The TLS settings of a {@code tls://} upstream (its own server name's, if it has one); empty for plain DNS. */
  Optional<TlsClient> tls() {
    return tls;
  }

  /** The address its sockets are bound to ({@code source_address}); empty for the kernel's choice. */
  Optional<InetAddress> sourceAddress() {
    return config.sourceAddress();
  }

  /**
   * Counts a TCP/TLS connection that has no query pending and would be kept for reuse; {@code
   * false} when {@code max_idle_conns} are idle already and this one should close instead.
   * Connections of every loop count together, as CoreDNS counts them per upstream.
   */
  boolean keepIdleConnection() {
    int max = config.maxIdleConns();
    if (max == 0) {
      idleConnections.incrementAndGet();
      return true;
    }
    while (true) {
      int idle = idleConnections.get();
      if (idle >= max) {
        return false;
      }
      if (idleConnections.compareAndSet(idle, idle + 1)) {
        return true;
      }
    }
  }

  /** A connection counted by {@link #keepIdleConnection} is in use again, or closed. */
  void idleConnectionGone() {
    idleConnections.decrementAndGet();
  }

  /** The TCP/TLS connections kept idle for reuse, on every loop. */
  int idleConnections() {
    return idleConnections.get();
  }

  void healthChecker(HealthChecker checker) {
    this.healthChecker = checker;
  }

  /** Starts probing this upstream unless a probe loop already runs (CoreDNS's in-band check). */
  void healthCheck() {
    HealthChecker checker = healthChecker;
    if (checker != null) {
      checker.trigger();
    }
  }

  /** Whether it has failed more than {@code max_fails} times in a row. */
  boolean isDown() {
    return maxFails != 0 && fails.get() > maxFails;
  }

  /** Failures in a row since the last successful health check. */
  int consecutiveFails() {
    return fails.get();
  }

  /** The smoothed round-trip time of the queries answered so far. */
  long smoothedRttNanos() {
    return rtt.smoothedNanos();
  }

  /** A health check failed. */
  void checkFailed() {
    fails.incrementAndGet();
    metrics.healthcheckFailures.labels(label).inc();
    metrics.proxyHealthcheckFailures.labels(ForwardMetrics.PROXY_NAME, label).inc();
    healthy.set(isDown() ? 0 : 1);
  }

  /**
   * The kernel reported the upstream's port unreachable for a forwarded query: nobody listens
   * there. It counts towards {@code max_fails} as a failed health check does (without being one),
   * so the upstream is marked down at once and the health checker brings it back.
   */
  void unreachable() {
    fails.incrementAndGet();
    healthy.set(isDown() ? 0 : 1);
  }

  /** A health check succeeded. */
  void checkSucceeded() {
    fails.set(0);
    healthy.set(1);
  }

  /**
   * The protocol a query uses with this upstream: TLS for {@code tls://}, HTTPS for {@code
   * https://}, else {@code plain}.
   */
  UpstreamProtocol protocolFor(UpstreamProtocol plain) {
    return switch (address.scheme()) {
      case TLS -> UpstreamProtocol.TLS;
      case HTTPS -> UpstreamProtocol.HTTPS;
      case DNS -> plain;
    };
  }

  /** How long the next attempt waits, from the measured round-trip time. */
  long timeoutNanos() {
    return rtt.timeoutNanos();
  }

  /**
   * A forwarded query: {@link #exchange} plus the per-upstream metrics and the round-trip
   * measurement. Call on {@code loop}.
   */
  CompletableFuture<UpstreamAnswer> query(
      IoLoop loop, byte[] wire, Record question, UpstreamProtocol protocol, long timeoutNanos, long budgetNanos) {
    requests.inc();
    long start = ticker.read();
    return exchange(loop, wire, question, protocol, timeoutNanos, budgetNanos, Purpose.QUERY)
        .whenComplete(
            (answer, error) -> {
              long elapsed = ticker.read() - start;
              if (error == null) {
                rtt.observe(elapsed);
                double seconds = elapsed / 1e9;
                ResponseMetrics response = responseMetrics(answer.message().getRcode());
                response.count().inc();
                response.duration().observe(seconds);
                response.proxyDuration().observe(seconds);
              } else if (unwrap(error) instanceof UpstreamException.Timeout) {
                rtt.observe(timeoutNanos);
              }
            });
  }

  /** The metrics of this upstream's responses with one rcode. */
  private record ResponseMetrics(Counter.Child count, Histogram.Child duration, Histogram.Child proxyDuration) {}

  /**
   * The metrics of responses with {@code rcode}, kept per rcode below 16 so that a response costs
   * no label lookup; loops may race to fill a slot, which holds the same children either way.
   */
  private ResponseMetrics responseMetrics(int rcode) {
    ResponseMetrics known = rcode >= 0 && rcode < byRcode.length ? byRcode[rcode] : null;
    if (known != null) {
      return known;
    }
    String name = Rcode.string(rcode);
    ResponseMetrics made =
        new ResponseMetrics(
            metrics.responses.labels(label, name),
            metrics.requestDuration.labels(label, name),
            metrics.proxyRequestDuration.labels(ForwardMetrics.PROXY_NAME, label, name));
    if (rcode >= 0 && rcode < byRcode.length) {
      byRcode[rcode] = made;
    }
    return made;
  }

  /**
   * Sends one query on {@code loop}'s sockets and completes with the matching answer, or
   * exceptionally (an {@link UpstreamException}). The read timeout runs from the moment the query
   * is sent; setting up a TCP/TLS connection first may take up to {@code budgetNanos}, as
   * CoreDNS's dial timeout is separate from its read timeout. Call on {@code loop}: the answer
   * completes there.
   *
   * @param wire the query in wire format; its ID is replaced with a random one
   * @param timeoutNanos how long to wait for the answer once the query is sent
   * @param budgetNanos how long the whole exchange may take, connection setup included
   */
  CompletableFuture<UpstreamAnswer> exchange(
      IoLoop loop,
      byte[] wire,
      Record question,
      UpstreamProtocol protocol,
      long timeoutNanos,
      long budgetNanos,
      Purpose purpose) {
    CompletableFuture<UpstreamAnswer> result = new CompletableFuture<>();
    if (closed) {
      result.completeExceptionally(new UpstreamException(label + ": forward stopped"));
      return result;
    }
    if (doh != null) {
      doh.exchange(this, loop, wire, question, timeoutNanos, budgetNanos, purpose, result);
    } else {
      on(loop).exchange(wire, question, protocol, timeoutNanos, budgetNanos, purpose, result);
    }
    return result;
  }

  private UpstreamLoop on(IoLoop loop) {
    UpstreamLoop link = loops.get(loop);
    if (link == null) {
      link = new UpstreamLoop(this, loop, ticker, config, new QueryIds(random), metrics);
      loops.put(loop, link);
      if (closed) {
        // close() ran meanwhile and did not see this loop's new entry.
        link.close();
      }
    }
    return link;
  }

  /** Counts an answer that was ignored, by reason ({@code id}, {@code question}, ...). */
  void countDropped(String reason) {
    dropped.computeIfAbsent(reason, r -> metrics.droppedResponses.labels(label, r)).inc();
  }

  /**
   * The queries waiting for an answer on the UDP sockets of every loop, counted on each loop; an
   * answer or a timeout removes a query, so this falls back to zero when the upstream is idle.
   */
  CompletableFuture<Integer> waitingUdp() {
    return sumOverLoops(UpstreamLoop::waitingUdp);
  }

  /** The UDP sockets open on every loop, retired ones included, counted on each loop. */
  CompletableFuture<Integer> openUdpSockets() {
    return sumOverLoops(UpstreamLoop::openUdpSockets);
  }

  private CompletableFuture<Integer> sumOverLoops(ToIntFunction<UpstreamLoop> count) {
    List<CompletableFuture<Integer>> counts = new ArrayList<>();
    for (Map.Entry<IoLoop, UpstreamLoop> entry : loops.entrySet()) {
      CompletableFuture<Integer> one = new CompletableFuture<>();
      entry.getKey().execute(() -> one.complete(count.applyAsInt(entry.getValue())));
      counts.add(one);
    }
    return CompletableFuture.allOf(counts.toArray(CompletableFuture[]::new))
        .thenApply(done -> counts.stream().mapToInt(CompletableFuture::join).sum());
  }

  /** Stops health checks and closes every loop's sockets and connections. */
  void close() {
    closed = true;
    HealthChecker checker = healthChecker;
    if (checker != null) {
      checker.stop();
    }
    if (doh != null) {
      doh.close();
    }
    loops.forEach(
        (loop, link) -> {
          try {
            loop.execute(link::close);
          } catch (RejectedExecutionException e) {
            // The loop has shut down and closed its sockets already.
          }
        });
  }

  static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  @Override
  public String toString() {
    return address.toString();
  }
}
