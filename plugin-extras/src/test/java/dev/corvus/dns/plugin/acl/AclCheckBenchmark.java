package dev.corvus.dns.plugin.acl;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.Transport;
import dev.corvus.dns.plugin.testing.HotPathBenchmark;
import dev.corvus.dns.testkit.PluginTestKit;
import dev.corvus.dns.testkit.Queries;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * JMH benchmarks of one {@code acl} directive's per-query check, with three policies and five
 * networks: a query no policy matches (every network compared, then passed on and counted as
 * allowed) and a query that is blocked (REFUSED with its extended error: the response is the one
 * allocation it needs). The rest of the chain answers with a stage made once. Run on demand
 * through {@code HotPathBenchmarksTest}, which reports the bytes allocated per query too.
 */
public class AclCheckBenchmark extends HotPathBenchmark {

  static final String ACL = """
      acl example.org {
        filter type AAAA HTTPS net 10.0.0.0/8 192.168.0.0/16 172.16.0.0/12
        block type ANY
        drop net 198.51.100.0/24 2001:db8::/32
      }""";

  private PluginTestKit kit;
  private Handler acl;
  private Chain passedOn;
  private Chain blocked;

  @Setup
  public void create() throws Exception {
    kit = new PluginTestKit();
    acl = kit.create(new AclFactory(), ACL).handler().orElseThrow();
    CompletionStage<Message> answer = Responses.completed(Responses.reply(Queries.request("www.example.org.", Type.A)));
    Handler rest = chain -> answer;
    InetSocketAddress client = new InetSocketAddress("127.0.0.1", 40000);
    passedOn = PluginTestKit.chain(Queries.request("www.example.org.", Type.AAAA, client, Transport.UDP), rest);
    blocked = PluginTestKit.chain(Queries.request("www.example.org.", Type.ANY, client, Transport.UDP), rest);
    if (acl.handle(blocked).toCompletableFuture().join().getRcode() != Rcode.REFUSED) {
      throw new IllegalStateException("the blocked query was not blocked");
    }
  }

  @TearDown
  public void close() {
    kit.close();
  }

  /** No policy matches: every network of the matching-type policy is compared, then the query goes on. */
  @Benchmark
  public CompletionStage<Message> passedOn() {
    return acl.handle(passedOn);
  }

  /** The second policy matches: REFUSED with the extended error "Blocked". */
  @Benchmark
  public CompletionStage<Message> blocked() {
    return acl.handle(blocked);
  }
}
