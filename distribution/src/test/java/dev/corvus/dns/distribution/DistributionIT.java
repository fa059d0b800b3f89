package dev.corvus.dns.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.client.DnsClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** The assembled distribution, run as a new user runs it. */
class DistributionIT {

  static Message awaitAnswer(InetSocketAddress server, String name, int type, boolean tcp) throws Exception {
    DnsClient client = new DnsClient(server, Duration.ofMillis(500));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        return tcp ? client.tcp(name, type) : client.udp(name, type);
      } catch (java.io.IOException e) {
        last = e;
        Thread.onSpinWait();
      }
    }
    throw new AssertionError("no answer from " + server, last);
  }

  /** The README's first command: bin/corvus with no arguments serves conf/Corefile on port 1053. */
  @Test
  void defaultConfigurationAnswersWhoamiOnPort1053(@TempDir Path dir) throws Exception {
    try (CorvusProcess corvus = CorvusProcess.start(dir)) {
      InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1053);
      Message udp = awaitAnswer(server, "whoami.example.", Type.A, false);
      assertEquals(Rcode.NOERROR, udp.getRcode());
      Message tcp = awaitAnswer(server, "whoami.example.", Type.A, true);
      assertEquals(Rcode.NOERROR, tcp.getRcode());
      CorvusProcess.Result query = CorvusProcess.run(dir, "query", "@127.0.0.1:1053", "whoami.example", "+tcp");
      assertEquals(0, query.status(), query.output());
      assertTrue(query.output().contains("status: NOERROR"), "bin/corvus query prints as dig does:\n" + query.output());
      // The JVM reports an exit by SIGTERM as 128 + 15 once its shutdown hook (the graceful stop) ran.
      assertEquals(143, corvus.terminate(), "SIGTERM ends the server");
      String log = corvus.output();
      assertTrue(!log.contains("Exception"), "a clean stop: " + log);
      assertTrue(log.contains("whoami.example. udp"), "the log plugin logged the query: " + log);
    }
  }

  @Test
  void checkAcceptsTheKubeadmCorefile(@TempDir Path dir) throws Exception {
    Path corefile = dir.resolve("Corefile");
    try (var in = DistributionIT.class.getResourceAsStream("/corefile-kubeadm")) {
      Files.copy(in, corefile);
    }
    CorvusProcess.Result result = CorvusProcess.run(dir, "check", "-conf", corefile.toString());
    assertEquals(0, result.status(), result.output());
  }

  @Test
  void checkRejectsABrokenCorefileWithFileAndLine(@TempDir Path dir) throws Exception {
    Path corefile = Files.writeString(dir.resolve("Corefile"), """
        .:53 {
            cache 30 {
                sucess 1000
            }
            forward . 127.0.0.1:5300
        }
        10.0.0.0/33:53 {
            whoami
        }
        """);
    CorvusProcess.Result result = CorvusProcess.run(dir, "check", "-conf", corefile.toString());
    assertEquals(1, result.status(), result.output());
    assertTrue(result.output().contains(corefile + ":7:"), result.output());
    assertTrue(!result.output().contains("\tat "), "no stack trace: " + result.output());
  }

  @Test
  void pluginsListsEveryStockDirective(@TempDir Path dir) throws Exception {
    CorvusProcess.Result result = CorvusProcess.run(dir, "plugins");
    assertEquals(0, result.status(), result.output());
    for (String directive : new String[] {"kubernetes", "forward", "cache", "whoami", "log", "errors",
        "health", "ready", "prometheus", "reload", "loop", "loadbalance", "hosts", "file", "rewrite"}) {
      assertTrue(result.output().contains(" " + directive + " "), directive + " missing:\n" + result.output());
    }
  }
}
