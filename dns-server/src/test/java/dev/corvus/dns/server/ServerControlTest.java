package dev.corvus.dns.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.capability.ServerControl.ConfigStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ServerControlTest {

  private static final String GOOD = ".:0 {\n    many 1\n}\n";

  @Test
  void statusNamesTheServedCorefileAndTheLastFailedReloadUntilOneSucceeds() throws Exception {
    Instant before = Instant.now();
    try (Corvus server = Corvus.builder().corefile(GOOD).dnsPort(0).start()) {
      ConfigStatus started = server.control().status();
      assertTrue(started.lastReloadError().isEmpty());
      assertTrue(!started.loadedAt().isBefore(before), started.loadedAt().toString());
      assertEquals(128, started.serving().sha512().length());

      assertThrows(ConfigException.class, () -> server.reload(".:0 {\n    recrods\n}\n"));
      ConfigStatus failed = server.control().status();
      assertEquals(started.serving(), failed.serving(), "the old configuration keeps serving");
      assertTrue(failed.lastReloadError().orElseThrow().contains(":2: unknown directive 'recrods'"),
          failed.lastReloadError().toString());

      server.reload(".:0 {\n    many 2\n}\n");
      ConfigStatus reloaded = server.control().status();
      assertTrue(reloaded.lastReloadError().isEmpty());
      assertTrue(!reloaded.serving().sha512().equals(started.serving().sha512()));
      assertTrue(!reloaded.loadedAt().isBefore(started.loadedAt()));
    }
  }
}
