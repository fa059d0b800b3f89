package dev.corvus.dns.plugin.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.Transport;
import dev.corvus.dns.api.plugin.Inspector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

/** The {@code upstreams} topic of the admin endpoint. */
class UpstreamsInspectorTest {

  @TempDir Path directory;

  @Test
  void showsEachUpstreamsHealthAndMeasuredRtt() throws Exception {
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        ForwardHarness forward =
            new ForwardHarness("forward example.org " + up.hostPort() + " {\n policy sequential\n}")) {
      for (int i = 0; i < 3; i++) {
        forward.query("q" + i + ".example.org.", Type.A, Transport.UDP);
      }
      Map<?, ?> state = inspect(forward);

      assertEquals("forward", state.get("plugin"));
      assertEquals("example.org.", state.get("from"));
      assertEquals("sequential", state.get("policy"));
      assertEquals(true, state.get("running"));
      assertTrue(String.valueOf(state.get("server")).contains("dns://"), state.toString());
      List<?> upstreams = (List<?>) state.get("upstreams");
      assertEquals(1, upstreams.size());
      Map<?, ?> upstream = (Map<?, ?>) upstreams.get(0);
      assertEquals(up.hostPort(), upstream.get("address"));
      assertEquals("udp", upstream.get("protocol"));
      assertEquals(true, upstream.get("healthy"));
      assertEquals(0, upstream.get("consecutiveFails"));
      double rtt = ((Number) upstream.get("smoothedRttMs")).doubleValue();
      assertTrue(rtt > 0, "rtt " + rtt);
      assertTrue(rtt < ForwardConfig.DEFAULT_READ_TIMEOUT.toMillis() / 4.0, "measured answers pulled the estimate down: " + rtt);
      assertEquals(false, upstream.get("fromResolvConf"));
      assertNull(upstream.get("resolvConf"));
    }
  }

  @Test
  void marksUpstreamsReadFromResolvConfAndForcedTcp() throws Exception {
    Path resolvConf = directory.resolve("resolv.conf");
    Files.writeString(resolvConf, "nameserver 127.0.0.1\n");
    try (ForwardHarness forward =
        new ForwardHarness("forward . resolv.conf tls://127.0.0.1:8853 {\n force_tcp\n}", directory)) {
      List<?> upstreams = (List<?>) inspect(forward).get("upstreams");
      Map<?, ?> fromFile = (Map<?, ?>) upstreams.get(0);
      assertEquals("127.0.0.1:53", fromFile.get("address"));
      assertEquals("tcp", fromFile.get("protocol"));
      assertEquals(true, fromFile.get("fromResolvConf"));
      assertEquals(resolvConf.toString(), fromFile.get("resolvConf"));
      Map<?, ?> tls = (Map<?, ?>) upstreams.get(1);
      assertEquals("127.0.0.1:8853", tls.get("address"));
      assertEquals("tls", tls.get("protocol"));
      assertEquals(false, tls.get("fromResolvConf"));
    }
  }

  private static Map<?, ?> inspect(ForwardHarness forward) {
    Inspector inspector =
        forward.kit.inspector("upstreams").orElseThrow(() -> new AssertionError("no upstreams inspector"));
    return (Map<?, ?>) inspector.inspect(Map.of());
  }
}
