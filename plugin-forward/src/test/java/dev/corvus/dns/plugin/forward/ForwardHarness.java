package dev.corvus.dns.plugin.forward;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.DnsException;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.Transport;
import dev.corvus.dns.testkit.ManualClock;
import dev.corvus.dns.testkit.PluginTestKit;
import dev.corvus.dns.testkit.Poll;
import dev.corvus.dns.testkit.Queries;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * The forward plugin built from Corefile text by the real factory in a {@link PluginTestKit}, its
 * handler called through the kit's chain whose next plugin answers {@link #NEXT_ANSWER};
 * failures become the response the server would write ({@link DnsException#rcode()}, else
 * SERVFAIL). With a {@link ManualClock} the plugin's ticker moves only when the test says so:
 * a timeout cannot fire, nor a health check come round, before it is advanced.
 */
final class ForwardHarness implements AutoCloseable {

  /** The address the fake next plugin answers with. */
  static final String NEXT_ANSWER = "192.0.2.99";

  final PluginTestKit kit;
  final ForwardPlugin plugin;
  final AtomicInteger nextCalls = new AtomicInteger();
  private final ManualClock clock;

  private ForwardHarness(String corefile, Path baseDirectory, ManualClock clock) throws Exception {
    this.clock = clock;
    this.kit = (clock == null ? new PluginTestKit() : new PluginTestKit(clock)).baseDirectory(baseDirectory);
    this.plugin = (ForwardPlugin) kit.create(new ForwardFactory(), corefile);
    plugin.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  /** A forward on the system's ticker. */
  ForwardHarness(String corefile) throws Exception {
    this(corefile, Path.of("."), null);
  }

  /** A forward reading relative paths (resolv.conf files) against {@code baseDirectory}. */
  ForwardHarness(String corefile, Path baseDirectory) throws Exception {
    this(corefile, baseDirectory, null);
  }

  /** A forward whose ticker is {@code clock}. */
  ForwardHarness(String corefile, ManualClock clock) throws Exception {
    this(corefile, Path.of("."), clock);
  }

  double metricValue(String name, String... labelValues) {
    return kit.metricValue(name, labelValues);
  }

  /** Starts a query without waiting for it. */
  CompletableFuture<Message> send(Message query, Transport transport) {
    Request request = Queries.request(query, Queries.CLIENT, transport);
    Handler next = chain -> {
      nextCalls.incrementAndGet();
      return Responses.completed(Responses.answer(
          chain.request(), new ARecord(chain.request().qname(), 1, 60, address(NEXT_ANSWER))));
    };
    return plugin.forwardHandler().handle(PluginTestKit.chain(request, next)).toCompletableFuture()
        .exceptionally(error -> {
          Throwable cause = error instanceof CompletionException ? error.getCause() : error;
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

  /** Moves the plugin's ticker forward. */
  void advance(Duration duration) {
    clock.advance(duration);
  }

  /** Waits (at most 5 s) for {@code condition}, which another thread brings about. */
  static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
    assertTrue(Poll.until(Duration.ofSeconds(5), condition), what);
  }

  static Message await(CompletableFuture<Message> response)
      throws InterruptedException, ExecutionException, TimeoutException {
    return response.get(6, TimeUnit.SECONDS);
  }

  /** The first A record's address in the answer, or {@code null}. */
  static String firstAddress(Message response) {
    return response.getSection(Section.ANSWER).stream()
        .filter(r -> r instanceof ARecord)
        .map(r -> ((ARecord) r).getAddress().getHostAddress())
        .findFirst()
        .orElse(null);
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    plugin.stop();
    kit.close();
  }
}
