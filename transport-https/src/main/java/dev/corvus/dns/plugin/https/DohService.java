package dev.corvus.dns.plugin.https;

import dev.corvus.dns.api.Transport;
import dev.corvus.dns.api.listener.QueryService;
import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.metrics.Metrics;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * What every DNS-over-HTTP request of one listener shares: the server's query path, the
 * transport plugins see, the path queries are posted to, the time a request may take to arrive,
 * and the response counter by HTTP status.
 */
public final class DohService {

  private static final Counter.Child NOT_COUNTED = new Counter.Child() {
    @Override
    public void inc(double amount) {}

    @Override
    public double get() {
      return 0;
    }
  };

  private final QueryService queries;
  private final Transport transport;
  private final String path;
  private final Duration requestDeadline;
  private final Counter counter;
  private final String server;
  private final ConcurrentMap<Integer, Counter.Child> byStatus = new ConcurrentHashMap<>();

  /**
   * @param queries the server's query path
   * @param transport {@link Transport#HTTPS} or {@link Transport#HTTPS3}
   * @param path the URL path of queries ({@code /dns-query})
   * @param requestDeadline a request started must be whole within this time
   * @param metrics where to count responses (CoreDNS's {@code coredns_dns_<name>_responses_total})
   * @param name {@code https} or {@code https3}
   * @param server the server label
   */
  public DohService(QueryService queries, Transport transport, String path, Duration requestDeadline,
      Optional<Metrics> metrics, String name, String server) {
    this.queries = queries;
    this.transport = transport;
    this.path = path;
    this.requestDeadline = requestDeadline;
    this.server = server;
    this.counter = metrics.map(m -> m.counter("coredns_dns_" + name + "_responses_total",
        "Counter of DoH" + (name.equals("https3") ? "3" : "") + " responses per server and http status code.",
        "server", "status")).orElse(null);
  }

  private volatile boolean stopped;

  /** Shutdown has begun: later requests get {@code 503} (those in flight are answered). */
  public void stop() {
    stopped = true;
  }

  boolean stopped() {
    return stopped;
  }

  QueryService queries() {
    return queries;
  }

  Transport transport() {
    return transport;
  }

  String path() {
    return path;
  }

  Duration requestDeadline() {
    return requestDeadline;
  }

  /** Counts a response with {@code status}. */
  public void count(HttpResponseStatus status) {
    byStatus.computeIfAbsent(status.code(),
        code -> counter == null ? NOT_COUNTED : counter.labels(server, Integer.toString(code))).inc();
  }
}
