package dev.corvus.dns.plugin.on;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.DirectiveConfig;
import dev.corvus.dns.testkit.PluginTestKit;
import dev.corvus.dns.testkit.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** on in a real server: commands run at startup and at shutdown; CoreDNS's on_test.go table. */
class OnIntegrationTest {

  @TempDir Path dir;

  @Test
  void runsTheStartupCommandAndWaitsForTheShutdownOne() throws Exception {
    Path started = dir.resolve("started");
    Path stopped = dir.resolve("stopped");
    String corefile = ".:0 {\n on startup touch " + started + "\n on shutdown sh " + dir.resolve("stop.sh")
        + "\n whoami\n}\n";
    Files.writeString(dir.resolve("stop.sh"), "sleep 0.3\ntouch " + stopped + "\n");
    try (Corvus s = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      assertEquals(Rcode.NOERROR, new DnsClient(s.udpAddress()).udp("a.example.", Type.A).getRcode());
      assertEquals(Rcode.NOERROR, new DnsClient(s.udpAddress()).tcp("a.example.", Type.A).getRcode());
      assertTrue(Poll.until(Duration.ofSeconds(10), () -> Files.exists(started)), "startup command ran");
      assertFalse(Files.exists(stopped));
    }
    assertTrue(Files.exists(stopped), "close() waited for the shutdown command");
  }

  @Test
  void aCommandThatCannotRunDoesNotStopTheServer() throws Exception {
    try (Corvus s = Corvus.builder().corefile(".:0 {\n on startup " + dir.resolve("no-such-program") + "\n whoami\n}\n")
        .dnsPort(0).start()) {
      assertEquals(Rcode.NOERROR, new DnsClient(s.udpAddress()).udp("a.example.", Type.A).getRcode());
    }
  }

  @Test
  void coreDnsSetupTable() throws Exception {
    try (PluginTestKit kit = new PluginTestKit()) {
      for (String ok : List.of("on startup cmd arg", "on shutdown cmd arg &", "on certrenew cmd arg")) {
        DirectiveConfig config = kit.config(ok);
        new OnFactory().create(config, kit.context());
        config.finish();
      }
      OnCommand startup = OnFactory.parse(kit.config("on startup cmd arg1 arg2"));
      assertEquals(new OnCommand("startup", List.of("cmd", "arg1", "arg2"), false), startup);
      assertEquals(new OnCommand("shutdown", List.of("cmd", "arg1", "arg2"), true),
          OnFactory.parse(kit.config("on shutdown cmd arg1 arg2 &")));
      for (String bad : List.of("on", "on xyz cmd arg", "on startup")) {
        assertThrows(ConfigException.class, () -> OnFactory.parse(kit.config(bad)), bad);
      }
    }
    ConfigException e = assertThrows(ConfigException.class,
        () -> Corvus.builder().corefile(".:0 {\n whoami\n on reload cmd\n}\n").dnsPort(0).start().close());
    assertTrue(e.getMessage().contains(":3: on") && e.getMessage().contains("not supported"), e.getMessage());
  }
}
