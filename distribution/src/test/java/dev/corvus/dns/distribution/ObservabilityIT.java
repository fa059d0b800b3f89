package dev.corvus.dns.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.corvus.dns.testkit.Poll;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dnstap and trace in the assembled distribution: {@code trace} from its {@code plugins/trace}
 * folder, dig over UDP and TCP, the dnstap stream captured by {@code fstrm_capture} and decoded
 * by {@code dnstap-ldns}, the spans received as OTLP/HTTP POSTs.
 */
class ObservabilityIT {

  @Test
  void digQueriesAreTappedAndTracedByTheDistribution(@TempDir Path dir) throws Exception {
    int upstreamPort = CorvusProcess.freePort();
    int port = CorvusProcess.freePort();
    Path socket = dir.resolve("tap.sock");
    Path file = dir.resolve("tap.fstrm");
    List<byte[]> posts = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext("/v1/traces", exchange -> {
      try (InputStream body = exchange.getRequestBody()) {
        posts.add(body.readAllBytes());
      }
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    receiver.start();
    Path upstreamConf = Files.writeString(dir.resolve("Corefile.upstream"),
        ".:" + upstreamPort + " {\n    bind 127.0.0.1\n    whoami\n}\n");
    Path conf = Files.writeString(dir.resolve("Corefile"),
        ".:" + port + " {\n    bind 127.0.0.1\n    dnstap " + socket + " full\n"
            + "    trace otlp 127.0.0.1:" + receiver.getAddress().getPort() + " {\n"
            + "        service dist-test\n        zipkin_max_batch_interval 100ms\n    }\n"
            + "    forward . 127.0.0.1:" + upstreamPort + "\n}\n");
    Process capture =
        new ProcessBuilder("fstrm_capture", "-t", "protobuf:dnstap.Dnstap", "-u", socket.toString(), "-w", file.toString())
            .redirectErrorStream(true).redirectOutput(dir.resolve("capture.log").toFile()).start();
    try (CorvusProcess upstream = CorvusProcess.start(dir, "-conf", upstreamConf.toString());
        CorvusProcess front = CorvusProcess.start(dir, "-conf", conf.toString())) {
      assertTrue(Poll.until(Duration.ofSeconds(30), () -> Files.exists(socket)), "fstrm_capture did not listen");
      awaitDig(upstreamPort, "ready.example.", "+notcp");
      assertTrue(upstream.process().isAlive(), upstream.output());
      awaitDig(port, "warm-up.example.", "+notcp");
      String udp = dig(port, "dist-udp.example.org", "A", "+notcp");
      String tcp = dig(port, "dist-tcp.example.org", "AAAA", "+tcp");
      assertTrue(udp.contains("status: NOERROR") && tcp.contains("status: NOERROR"), udp + tcp);
      assertTrue(Poll.until(Duration.ofSeconds(20), () -> joined(posts).contains("dist-tcp.example.org.")),
          front.output());
      front.terminate(); // SIGTERM: the dnstap session ends with STOP/FINISH
      String spans = joined(posts);
      for (String expected : List.of("servedns", "connect", "coredns.io/name", "dist-udp.example.org.", "dist-test",
          "peer.address", "127.0.0.1:" + upstreamPort)) {
        assertTrue(spans.contains(expected), expected + " not in the OTLP requests");
      }
    } finally {
      capture.destroy();
      capture.waitFor(10, TimeUnit.SECONDS);
      receiver.stop(0);
    }
    Process decode = new ProcessBuilder("dnstap-ldns", "-r", file.toString()).redirectErrorStream(true).start();
    String out = new String(decode.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, decode.waitFor());
    for (String type : List.of("CQ", "FQ", "FR", "CR")) {
      assertTrue(out.contains(" " + type + " 127.0.0.1 UDP ") && out.contains("\"dist-udp.example.org.\" IN A"), out);
      assertTrue(out.lines().anyMatch(l -> l.contains(" " + type + " 127.0.0.1 TCP ")
          && l.endsWith("\"dist-tcp.example.org.\" IN AAAA")), type + " over TCP missing:\n" + out);
    }
  }

  private static String joined(List<byte[]> posts) {
    StringBuilder all = new StringBuilder();
    for (byte[] post : posts) {
      all.append(new String(post, StandardCharsets.ISO_8859_1)); // protobuf strings appear as they are
    }
    return all.toString();
  }

  /** Asks until the server (still starting) answers. */
  private static void awaitDig(int port, String name, String transport) throws Exception {
    String[] last = {""};
    boolean answered = Poll.until(Duration.ofSeconds(60), () -> {
      try {
        last[0] = dig(port, name, "A", transport);
      } catch (Exception e) {
        last[0] = e.toString();
      }
      return last[0].contains("status: NOERROR");
    });
    assertTrue(answered, "no answer on port " + port + ": " + last[0]);
  }

  private static String dig(int port, String name, String type, String transport) throws Exception {
    Process dig = new ProcessBuilder("dig", "@127.0.0.1", "-p", Integer.toString(port), name, type, transport,
        "+tries=1", "+time=5").redirectErrorStream(true).start();
    String out = new String(dig.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    dig.waitFor();
    return out;
  }
}
