package dev.corvus.dns.plugin.cache;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.QueryContext;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Transport;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.client.DnsClient;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/** A cache handler in front of a {@link ScriptedUpstream}, driven without a server. */
final class HandlerHarness {

  static final String SERVER = "dns://:53";

  final MutableClock clock = new MutableClock();
  final RecordingMetrics metrics = new RecordingMetrics();
  final ScriptedUpstream upstream = new ScriptedUpstream();
  final CacheConfig config;
  final CacheHandler handler;

  HandlerHarness(String directive) throws ConfigException {
    config = CacheFactory.parse(new TestConfigReader(directive));
    handler = new CacheHandler(config, new CacheMetrics(metrics, SERVER, config.zones()), clock);
  }

  /** Sends a query for {@code name}/{@code type} and waits for the answer. */
  Message ask(String name, int type) throws Exception {
    return ask(DnsClient.newQuery(name, type));
  }

  Message ask(Message query) throws Exception {
    return send(query).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  CompletionStage<Message> send(Message query) {
    Request request =
        Request.of(
            query,
            new InetSocketAddress("127.0.0.1", 40000),
            Transport.UDP,
            Name.root,
            SERVER,
            new QueryContext(System.nanoTime()));
    return handler.handle(new PipelineChain(request, upstream));
  }

  void advance(long seconds) {
    clock.advance(Duration.ofSeconds(seconds));
  }

  /** A cache metric's value with this harness's server and zones labels. */
  double metric(String name, String... typeLabel) {
    if (typeLabel.length == 0) {
      return metrics.value(name, SERVER, ".", "");
    }
    return metrics.value(name, SERVER, typeLabel[0], ".", "");
  }

  /** The TTL of the first answer record, or of the first authority record without answers. */
  static long ttl(Message response) {
    Record[] answers = response.getSectionArray(Section.ANSWER);
    Record first = answers.length > 0 ? answers[0] : response.getSectionArray(Section.AUTHORITY)[0];
    return first.getTTL();
  }

  /** The address of the first A answer. */
  static String address(Message response) {
    return ((org.xbill.DNS.ARecord) response.getSectionArray(Section.ANSWER)[0]).getAddress().getHostAddress();
  }

  /** The chain after the cache: one handler, then nothing. */
  private record PipelineChain(Request request, Handler next) implements Chain {
    @Override
    public CompletionStage<Message> proceed(Request newRequest) {
      return next.handle(new PipelineChain(newRequest, null));
    }

    @Override
    public boolean hasNext() {
      return next != null;
    }
  }
}
