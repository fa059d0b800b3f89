package dev.corvus.dns.plugin.cache;

import dev.corvus.dns.api.Request;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.server.routing.ServerQueryContext;
import dev.corvus.dns.testkit.Queries;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * JMH benchmarks of a cache hit's inner loop, for an answer with four A records: what the cache
 * does per hit, and what the server would do without the pre-encoded wire form. Run on demand
 * through {@link CacheHitBenchmarkTest}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CacheHitBenchmark {

  private CachedAnswer cached;
  private Request request;
  private ServerQueryContext context;
  private Message rendered;

  /** Stores a four-record answer to www.example.org A and prepares a query for it. */
  @Setup
  public void store() throws Exception {
    Message query = DnsClient.newQuery("WWW.example.org.", Type.A);
    Message response = new Message(query.getHeader().getID());
    response.getHeader().setFlag(Flags.QR);
    response.getHeader().setFlag(Flags.RA);
    response.addRecord(query.getQuestion(), Section.QUESTION);
    for (int i = 1; i <= 4; i++) {
      response.addRecord(new ARecord(query.getQuestion().getName(), DClass.IN, 300,
          InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, (byte) i})), Section.ANSWER);
    }
    cached = CachedAnswer.encode(response, ResponseKind.NO_ERROR, 0, 300);
    request = Queries.request(DnsClient.newQuery("www.EXAMPLE.org.", Type.A));
    context = Queries.context(request);
    rendered = cached.render(request, 250, true);
    if (context.wireFormOf(rendered) == null) {
      throw new IllegalStateException("a hit offered no wire form: the benchmark would measure nothing");
    }
  }

  /** A hit: records with the remaining TTL, the stored wire form patched and offered. */
  @Benchmark
  public Message render() {
    return cached.render(request, 250, true);
  }

  /**
   * A hit and the wire form it offered, as the server takes it (checking that the message is
   * unchanged) and sends it without encoding.
   */
  @Benchmark
  public byte[] renderAndWire() {
    Message reply = cached.render(request, 250, true);
    return context.wireFormOf(reply);
  }

  /** What the server spends when it must encode the reply instead. */
  @Benchmark
  public byte[] encodeReply() {
    return rendered.toWire(1232);
  }
}
