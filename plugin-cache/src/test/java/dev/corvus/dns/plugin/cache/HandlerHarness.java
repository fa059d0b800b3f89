package dev.corvus.dns.plugin.cache;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.metrics.PrometheusMetrics;
import dev.corvus.dns.server.testkit.ManualClock;
import dev.corvus.dns.server.testkit.PluginTestKit;
import dev.corvus.dns.server.testkit.Queries;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/** A cache handler in front of a {@link ScriptedUpstream}, driven without a server. */
final class HandlerHarness {

  static final String SERVER = Queries.SERVER;

  final ManualClock clock = new ManualClock();
  final PluginTestKit kit = new PluginTestKit(clock);
  final PrometheusMetrics metrics = kit.metrics();
  final ScriptedUpstream upstream = new ScriptedUpstream();
  final CacheConfig config;
  final CacheHandler handler;

  HandlerHarness(String directive) throws ConfigException {
    config = CacheFactory.parse(kit.config(directive));
    handler = new CacheHandler(config, new CacheMetrics(metrics, SERVER, config.zones()), clock);
  }

  /** Sends a query for {@code name}/{@code type} and waits for the answer. */
  Message ask(String name, int type) throws Exception {
    return ask(Queries.query(name, type));
  }

  Message ask(Message query) throws Exception {
    return send(query).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  CompletionStage<Message> send(Message query) {
    return handler.handle(PluginTestKit.chain(Queries.request(query), upstream));
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

}
