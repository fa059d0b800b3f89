package dev.corvus.dns.plugin.cache;

import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Ticker;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.testkit.ManualClock;
import dev.corvus.dns.testkit.PluginTestKit;
import dev.corvus.dns.testkit.Queries;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.List;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * A cache created by its factory in the plugin test kit, in front of a {@link ScriptedUpstream},
 * driven through the kit's chain without a server; the kit's {@link ManualClock} is its wall
 * clock and ticker unless a test gives it others.
 */
final class HandlerHarness implements AutoCloseable {

  static final String SERVER = Queries.SERVER;

  final ManualClock clock = new ManualClock();
  final PluginTestKit kit;
  final ScriptedUpstream upstream = new ScriptedUpstream();
  final Plugin plugin;
  final CacheHandler handler;

  HandlerHarness(String directive) throws ConfigException {
    this(directive, null, null);
  }

  /** A cache whose wall clock is {@code wallClock} and whose ticker is {@code ticker} (the manual clock when null). */
  HandlerHarness(String directive, Clock wallClock, Ticker ticker) throws ConfigException {
    kit = new PluginTestKit(wallClock == null ? clock : wallClock, ticker == null ? clock : ticker);
    plugin = kit.create(new CacheFactory(), directive);
    handler = (CacheHandler) plugin.handler().orElseThrow();
  }

  /** Sends a query for {@code name}/{@code type} and waits for the answer. */
  Message ask(String name, int type) throws Exception {
    return ask(Queries.query(name, type));
  }

  Message ask(Message query) throws Exception {
    return send(query).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  CompletionStage<Message> send(Message query) {
    return send(Queries.request(query));
  }

  CompletionStage<Message> send(Request request) {
    return handler.handle(PluginTestKit.chain(request, upstream));
  }

  /** Handles {@code request} (made with {@link Queries}) and waits for the answer. */
  Message ask(Request request) throws Exception {
    return send(request).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  void advance(long seconds) {
    clock.advance(Duration.ofSeconds(seconds));
  }

  /** A cache metric's value with this harness's server and zones labels (counters and the entries gauge). */
  double metric(String name, String... typeLabel) {
    Map<String, String> labels = typeLabel.length == 0
        ? Map.of("server", SERVER, "zones", ".", "view", "")
        : Map.of("server", SERVER, "type", typeLabel[0], "zones", ".", "view", "");
    return kit.scrape().sum(name, labels);
  }

  @Override
  public void close() {
    kit.close();
  }

  /** The TTL of the first answer record, or of the first authority record without answers. */
  static long ttl(Message response) {
    List<Record> answers = response.getSection(Section.ANSWER);
    Record first = answers.isEmpty() ? response.getSection(Section.AUTHORITY).get(0) : answers.get(0);
    return first.getTTL();
  }

  /** The address of the first A answer. */
  static String address(Message response) {
    return ((org.xbill.DNS.ARecord) response.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress();
  }
}
