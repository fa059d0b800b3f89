package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.api.Ticker;
import dev.corvus.dns.api.io.IoLoop;
import dev.corvus.dns.api.metrics.Counter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;

/**
 * The DNS over HTTPS (RFC 8484) client of one {@code https://} upstream: the JDK's HTTP client
 * (HTTP/2 over TLS, negotiated with ALPN; HTTP/1.1 when the server offers no h2), created once and
 * reused by every query and health check, so that queries share its connection. Queries go to
 * CoreDNS's fixed path {@code /dns-query} with {@code doh_method}, ID 0 (RFC 8484 §4.1: the
 * server's HTTP cache can then answer equal queries alike); the client's ID is restored by the
 * server when it relays the answer, as for every upstream's random ID.
 *
 * <p>The HTTP client answers on threads of its own: the answer is handed back to the query's I/O
 * loop and completed there, where the read timeout also runs. An HTTP status other than 200, a
 * body longer than a DNS message ({@link DohBody}), one that does not parse as DNS, or an answer
 * to another question is a failed exchange, which fails over to the next upstream and has the
 * health checker count it towards {@code max_fails}. The content type is not checked, as CoreDNS
 * does not check it (plugin/pkg/doh reads any body as DNS); CoreDNS does not check the status
 * either, but the body of an error response is no DNS answer (RFC 8484 §4.2.1: a DNS answer comes
 * with a successful status), so Corvus refuses it before parsing.
 *
 * <p>Connection reuse is the HTTP client's: {@code expire}, {@code max_idle_conns} and {@code
 * max_age} govern the pools of {@code dns://} and {@code tls://} upstreams only, as CoreDNS leaves
 * DoH connections to Go's HTTP transport. The connection-cache metrics count a query as a miss
 * when the client opened a connection while it was in flight, a hit otherwise: exact for queries
 * one at a time, approximate under concurrency (misses over-counted), as the client does not say
 * which connection carried a query.
 */
final class DohClient {

  /** The path CoreDNS's DoH client always asks (custom paths are not supported). */
  static final String PATH = "/dns-query";
  /** RFC 8484 §6. */
  static final String MEDIA_TYPE = "application/dns-message";

  private final String label;
  private final URI uri;
  private final DohMethod method;
  private final Ticker ticker;
  private final long recentNanos;
  private final Counter.Child hits;
  private final Counter.Child misses;
  private final AtomicLong connections = new AtomicLong();
  private final HttpClient client;
  /** Why no client could be built (the {@code tls} files changed since they were checked). */
  private final UpstreamException unusable;
  private volatile long lastAnswerNanos;
  private volatile boolean answeredOnce;
  private volatile boolean closed;

  /**
   * @param serverName the name the certificate must carry and that is sent as SNI; empty to
   *     verify the upstream's IP address, as Go's HTTP client does for an IP URL
   */
  DohClient(UpstreamAddress address, ForwardConfig config, Optional<String> serverName, ForwardMetrics metrics,
      Ticker ticker) {
    this.label = address.label();
    this.uri = uri(address);
    this.method = config.dohMethod();
    this.ticker = ticker;
    this.recentNanos = config.expire().toNanos();
    this.hits = metrics.connCacheHits.labels(ForwardMetrics.PROXY_NAME, label, UpstreamProtocol.HTTPS.label());
    this.misses = metrics.connCacheMisses.labels(ForwardMetrics.PROXY_NAME, label, UpstreamProtocol.HTTPS.label());
    HttpClient built = null;
    UpstreamException failure = null;
    try {
      SSLContext context = DohTls.context(config.tlsFiles(),
          serverName.orElse(address.address().getAddress().getHostAddress()), connections::incrementAndGet);
      // The client's default executor: a cached pool of daemon threads that end when idle.
      built = client(context, serverName).build();
    } catch (IOException | GeneralSecurityException e) {
      failure = new UpstreamException(label + ": cannot load the tls files: " + e.getMessage(), e);
    }
    this.client = built;
    this.unusable = failure;
  }

  /** {@code https://IP:PORT/dns-query}, IPv6 in brackets. */
  static URI uri(UpstreamAddress address) {
    return URI.create("https://" + address.label() + PATH);
  }

  /** An HTTP client builder for {@code context}, sending {@code serverName} as SNI. */
  static HttpClient.Builder client(SSLContext context, Optional<String> serverName) {
    SSLParameters parameters = context.getDefaultSSLParameters();
    // The URI's host is an IP address, for which the client sends no SNI of its own and keeps
    // the one given here.
    serverName.ifPresent(name -> parameters.setServerNames(List.of(new SNIHostName(name))));
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_2)
        .sslContext(context)
        .sslParameters(parameters)
        .followRedirects(HttpClient.Redirect.NEVER)
        .proxy(HttpClient.Builder.NO_PROXY);
  }

  /**
   * The request for {@code query} (its ID already 0): a POST with the message as body, or a GET
   * with it base64url-encoded without padding in {@code dns} (RFC 8484 §4.1).
   */
  static HttpRequest request(URI uri, DohMethod method, byte[] query, Duration timeout) {
    HttpRequest.Builder builder = HttpRequest.newBuilder().timeout(timeout).header("accept", MEDIA_TYPE);
    if (method == DohMethod.GET) {
      String dns = Base64.getUrlEncoder().withoutPadding().encodeToString(query);
      return builder.uri(URI.create(uri + "?dns=" + dns)).GET().build();
    }
    return builder
        .uri(uri)
        .header("content-type", MEDIA_TYPE)
        .POST(HttpRequest.BodyPublishers.ofByteArray(query))
        .build();
  }

  /**
   * The DNS message of a DoH response: status 200 and a body that parses as DNS, whatever its
   * content type (as CoreDNS), else an {@link UpstreamException}.
   */
  static Message message(String upstream, HttpResponse<byte[]> response) throws UpstreamException {
    if (response.statusCode() != 200) {
      throw new UpstreamException(upstream + ": DoH answered HTTP status " + response.statusCode());
    }
    try {
      return new Message(response.body());
    } catch (IOException e) {
      throw new Malformed(upstream + ": DoH answer does not parse: " + e.getMessage());
    }
  }

  /** A 200 response whose body is not a DNS message. */
  static final class Malformed extends UpstreamException {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message);
    }
  }

  /**
   * Sends one query and completes {@code result} on {@code loop} with the answer or an {@link
   * UpstreamException}. Call on {@code loop}.
   *
   * @param timeoutNanos how long to wait for the answer; when no answer came within the last
   *     {@code expire} the connection is likely to be set up first, which may take up to {@code
   *     budgetNanos} (CoreDNS's dial timeout is separate from its read timeout too)
   */
  void exchange(Upstream upstream, IoLoop loop, byte[] wire, Record question, long timeoutNanos, long budgetNanos,
      Purpose purpose, CompletableFuture<UpstreamAnswer> result) {
    if (unusable != null) {
      result.completeExceptionally(unusable);
      return;
    }
    if (closed) {
      result.completeExceptionally(new UpstreamException(label + ": forward stopped"));
      return;
    }
    long now = ticker.read();
    boolean warm = answeredOnce && now - lastAnswerNanos < recentNanos;
    long wait = warm ? timeoutNanos : Math.max(timeoutNanos, budgetNanos);
    long opened = connections.get();
    HttpRequest request = request(uri, method, UdpExchange.withId(wire, 0), Duration.ofNanos(Math.max(1, wait)));
    CompletableFuture<HttpResponse<byte[]>> sent;
    try {
      sent = client.sendAsync(request, DohBody.handler(label));
    } catch (RejectedExecutionException | IllegalArgumentException e) {
      result.completeExceptionally(new UpstreamException(label + ": " + e.getMessage(), e));
      return;
    }
    TickerTimer timer = TickerTimer.at(loop, ticker, now + wait, () -> {
      if (result.completeExceptionally(new UpstreamException.Timeout(label, wait))) {
        sent.cancel(true);
      }
    });
    sent.whenComplete((response, error) -> onLoop(loop, () -> {
      timer.cancel();
      if (result.isDone()) {
        return;
      }
      if (purpose.countsConnections()) {
        // Approximate under concurrency: the HTTP client does not say which connection carried
        // the exchange, so one that any concurrent exchange's new connection overlapped is a miss.
        (connections.get() != opened ? misses : hits).inc();
      }
      completeWith(upstream, response, error, question, purpose, wait, result);
    }));
  }

  private void completeWith(Upstream upstream, HttpResponse<byte[]> response, Throwable error, Record question,
      Purpose purpose, long wait, CompletableFuture<UpstreamAnswer> result) {
    if (error != null) {
      Throwable cause = Upstream.unwrap(error);
      if (cause instanceof UpstreamException failed) {
        result.completeExceptionally(failed); // DohBody.TooLarge
        return;
      }
      result.completeExceptionally(cause instanceof HttpTimeoutException
          ? new UpstreamException.Timeout(label, wait)
          : new UpstreamException(label + ": " + describe(cause), cause));
      return;
    }
    Message answer;
    try {
      answer = message(label, response);
    } catch (Malformed e) {
      upstream.countDropped("malformed");
      result.completeExceptionally(e);
      return;
    } catch (UpstreamException e) {
      result.completeExceptionally(e);
      return;
    }
    if (!AnswerCheck.answers(answer, question)) {
      upstream.countDropped("question");
      result.completeExceptionally(new UpstreamException(label + ": DoH answer is not for the question asked"));
      return;
    }
    lastAnswerNanos = ticker.read();
    answeredOnce = true;
    byte[] body = response.body();
    byte[] relay = purpose.relaysAnswer() ? RelayWire.strip(ByteBuffer.wrap(body), 0, body.length, answer) : null;
    result.complete(new UpstreamAnswer(answer, relay));
  }

  static String describe(Throwable cause) {
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
  }

  private static void onLoop(IoLoop loop, Runnable task) {
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      // The loop has shut down: nobody waits on it any more, but complete all the same.
      task.run();
    }
  }

  /**
   * Takes no more queries. Java 17's HTTP client has no {@code close()}: exchanges in flight run
   * to their end (stopping its threads instead would stall a TLS handshake half-way, holding the
   * server's connection), and its connections close when the server closes them or when the
   * client, no longer referenced, is collected.
   */
  void close() {
    closed = true;
  }
}
