package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.metrics.Gauge;
import dev.corvus.dns.api.metrics.Histogram;
import io.netty.handler.ssl.SslContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;

/**
 * One upstream server while the plugin runs: its transports, its failure count (as CoreDNS
 * counts failed health checks), its round-trip estimate and its metrics.
 */
final class Upstream {

  private final UpstreamAddress address;
  private final String label;
  private final UpstreamClient client;
  private final ForwardMetrics metrics;
  private final RttEstimator rtt;
  private final StreamConnectionPool streams;
  private final UdpSocketPool udp;
  private final AtomicInteger fails = new AtomicInteger();
  private final int maxFails;
  private final Counter.Child requests;
  private final Gauge.Child healthy;
  private final ConcurrentMap<String, Counter.Child> dropped = new ConcurrentHashMap<>();
  private volatile HealthChecker healthChecker;

  Upstream(
      UpstreamAddress address,
      UpstreamClient client,
      SslContext sslContext,
      ForwardConfig config,
      ForwardMetrics metrics) {
    this.address = address;
    this.label = address.label();
    this.client = client;
    this.metrics = metrics;
    this.maxFails = config.maxFails();
    this.rtt = new RttEstimator(config.readTimeout());
    this.streams =
        new StreamConnectionPool(
            this,
            client,
            address.tls() ? UpstreamProtocol.TLS : UpstreamProtocol.TCP,
            sslContext,
            config.tls().serverName(),
            config.expire(),
            metrics);
    this.udp = new UdpSocketPool(this, client);
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

  /** Whether it has failed more than {@code max_fails} health checks in a row. */
  boolean isDown() {
    return maxFails != 0 && fails.get() > maxFails;
  }

  /** Health checks failed in a row since the last success. */
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

  /** A health check succeeded. */
  void checkSucceeded() {
    fails.set(0);
    healthy.set(1);
  }

  /** The protocol a query uses with this upstream: TLS for {@code tls://}, else {@code plain}. */
  UpstreamProtocol protocolFor(UpstreamProtocol plain) {
    return address.tls() ? UpstreamProtocol.TLS : plain;
  }

  /** How long the next attempt waits, from the measured round-trip time. */
  long timeoutNanos() {
    return rtt.timeoutNanos();
  }

  /**
   * A query of the forwarding path: {@link #exchange} plus the per-upstream metrics and the
   * round-trip measurement.
   */
  CompletableFuture<Message> query(
      byte[] wire, Record question, UpstreamProtocol protocol, long timeoutNanos, long budgetNanos) {
    requests.inc();
    long start = System.nanoTime();
    return exchange(wire, question, protocol, timeoutNanos, budgetNanos)
        .whenComplete(
            (answer, error) -> {
              long elapsed = System.nanoTime() - start;
              if (error == null) {
                rtt.observe(elapsed);
                String rcode = Rcode.string(answer.getRcode());
                double seconds = elapsed / 1e9;
                metrics.responses.labels(label, rcode).inc();
                metrics.requestDuration.labels(label, rcode).observe(seconds);
                metrics.proxyRequestDuration.labels(ForwardMetrics.PROXY_NAME, label, rcode).observe(seconds);
              } else if (unwrap(error) instanceof UpstreamException.Timeout) {
                rtt.observe(timeoutNanos);
              }
            });
  }

  /**
   * Sends one query and completes with the matching answer, or exceptionally (an {@link
   * UpstreamException}). The read timeout runs from the moment the query is written; setting up
   * a TCP/TLS connection first may take up to {@code budgetNanos}, as CoreDNS's dial timeout is
   * separate from its read timeout.
   *
   * @param wire the query in wire format; its ID is replaced with a random one
   * @param timeoutNanos how long to wait for the answer once the query is sent
   * @param budgetNanos how long the whole exchange may take, connection setup included
   */
  CompletableFuture<Message> exchange(
      byte[] wire, Record question, UpstreamProtocol protocol, long timeoutNanos, long budgetNanos) {
    return exchange(wire, question, protocol, timeoutNanos, budgetNanos, true);
  }

  /**
   * {@link #exchange} for an explanation ({@code corvus explain}): the same transports, but not
   * even the connection cache counters see it.
   */
  CompletableFuture<Message> exchangeUncounted(
      byte[] wire, Record question, UpstreamProtocol protocol, long timeoutNanos, long budgetNanos) {
    return exchange(wire, question, protocol, timeoutNanos, budgetNanos, false);
  }

  private CompletableFuture<Message> exchange(
      byte[] wire,
      Record question,
      UpstreamProtocol protocol,
      long timeoutNanos,
      long budgetNanos,
      boolean counted) {
    if (protocol == UpstreamProtocol.UDP) {
      return udp.send(wire, question, timeoutNanos);
    }
    CompletableFuture<Message> result = new CompletableFuture<>();
    long budget = Math.max(timeoutNanos, budgetNanos);
    var timer =
        client.schedule(() -> result.completeExceptionally(new UpstreamException.Timeout(label, budget)), budget);
    result.whenComplete((answer, error) -> timer.cancel(false));
    streams.send(wire, question, result, timeoutNanos, budget, counted);
    return result;
  }

  /** The UDP sockets of this upstream. */
  UdpSocketPool udp() {
    return udp;
  }

  /** Counts an answer that was ignored, by reason ({@code source}, {@code id}, ...). */
  void countDropped(String reason) {
    dropped.computeIfAbsent(reason, r -> metrics.droppedResponses.labels(label, r)).inc();
  }

  /** Stops health checks and closes pooled connections and sockets. */
  void close() {
    HealthChecker checker = healthChecker;
    if (checker != null) {
      checker.stop();
    }
    streams.close();
    udp.close();
  }

  static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  @Override
  public String toString() {
    return address.toString();
  }
}
