package dev.corvus.dns.plugin.cancel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.DnsException;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.PluginTestKit;
import dev.corvus.dns.testkit.Queries;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

class CancelTest {

  private final PluginTestKit kit = new PluginTestKit();

  @AfterEach
  void closeKit() {
    kit.close();
  }

  @Test
  void aChainThatNeverAnswersFailsWithServfailAfterTheTimeout() throws Exception {
    Handler h = kit.create(new CancelFactory(), "cancel 50ms").handler().orElseThrow();
    CompletableFuture<Message> never = new CompletableFuture<>();
    CompletableFuture<Message> result =
        h.handle(PluginTestKit.chain(Queries.request("slow.example.", Type.A), next -> never)).toCompletableFuture();
    CompletionException e = assertThrows(CompletionException.class, () -> result.orTimeout(5, TimeUnit.SECONDS).join());
    DnsException cause = (DnsException) e.getCause();
    assertEquals(Rcode.SERVFAIL, cause.rcode());
    assertTrue(cause.getCause() instanceof TimeoutException);
  }

  @Test
  void answersInTimePassThrough() throws Exception {
    String corefile = ".:0 {\n cancel 1s\n template IN A {\n  answer \"{{ .Name }} 60 IN A 192.0.2.1\"\n }\n}\n";
    try (Corvus s = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      assertEquals(Rcode.NOERROR, new DnsClient(s.udpAddress()).udp("example.org.", Type.A).getRcode());
    }
  }

  @Test
  void defaultIs5001Milliseconds() {
    assertEquals(5001, CancelFactory.DEFAULT_TIMEOUT.toMillis());
  }

  @Test
  void badTimeoutsAreRejected() {
    for (String bad : List.of("cancel 0s", "cancel -1s", "cancel soon", "cancel 1s 2s")) {
      assertThrows(ConfigException.class, () -> kit.create(new CancelFactory(), bad), bad);
    }
  }
}
