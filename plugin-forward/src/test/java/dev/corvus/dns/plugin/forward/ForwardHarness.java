package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.DnsException;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.Transport;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.metrics.PrometheusMetrics;
import dev.corvus.dns.server.testkit.PluginTestKit;
import dev.corvus.dns.server.testkit.Queries;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * Runs the forward plugin built from Corefile text by the real factory, and calls its handler
 * with a chain whose next plugin answers {@link #NEXT_ANSWER}; failures become the response the
 * server would write ({@link DnsException#rcode()}, else SERVFAIL).
 */
final class ForwardHarness implements AutoCloseable {

  /** The address the fake next plugin answers with. */
  static final String NEXT_ANSWER = "192.0.2.99";

  final PluginTestKit kit;
  final ForwardPlugin plugin;
  final AtomicInteger nextCalls = new AtomicInteger();
  private final boolean hasNext;

  ForwardHarness(String corefile, Path baseDirectory, boolean hasNext) throws ConfigException {
    this.kit = new PluginTestKit().baseDirectory(baseDirectory);
    this.plugin = (ForwardPlugin) kit.create(new ForwardFactory(), corefile);
    this.hasNext = hasNext;
    plugin.start();
  }

  ForwardHarness(String corefile) throws ConfigException {
    this(corefile, Path.of("."), true);
  }

  PrometheusMetrics metrics() {
    return kit.metrics();
  }

  /** Starts a query without waiting for it. */
  CompletableFuture<Message> send(Message query, Transport transport) {
    Request request = Queries.request(query, Queries.CLIENT, transport);
    Chain chain = new Chain() {
      @Override
      public Request request() {
        return request;
      }

      @Override
      public CompletionStage<Message> proceed(Request next) {
        nextCalls.incrementAndGet();
        if (!hasNext) {
          return Responses.completedError(next, Rcode.SERVFAIL);
        }
        try {
          return Responses.completed(
              Responses.answer(next, new ARecord(next.qname(), 1, 60, InetAddress.getByName(NEXT_ANSWER))));
        } catch (java.net.UnknownHostException e) {
          throw new IllegalStateException(e);
        }
      }

      @Override
      public boolean hasNext() {
        return hasNext;
      }
    };
    return plugin.forwardHandler().handle(chain).toCompletableFuture().exceptionally(error -> {
      Throwable cause = error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
      int rcode = cause instanceof DnsException dns ? dns.rcode() : Rcode.SERVFAIL;
      return Responses.error(request, rcode);
    });
  }

  /** Sends a query for {@code name}/{@code type} and waits (up to 6 s) for the response. */
  Message query(String name, int type, Transport transport) throws Exception {
    return await(send(Queries.query(name, type), transport));
  }

  Message query(String name, int type) throws Exception {
    return query(name, type, Transport.UDP);
  }

  static Message await(CompletableFuture<Message> response)
      throws InterruptedException, ExecutionException, TimeoutException {
    return response.get(6, TimeUnit.SECONDS);
  }

  /** The first A record's address in the answer, or {@code null}. */
  static String firstAddress(Message response) {
    return response.getSection(org.xbill.DNS.Section.ANSWER).stream()
        .filter(r -> r instanceof ARecord)
        .map(r -> ((ARecord) r).getAddress().getHostAddress())
        .findFirst()
        .orElse(null);
  }

  @Override
  public void close() {
    plugin.stop();
    kit.close();
  }
}
