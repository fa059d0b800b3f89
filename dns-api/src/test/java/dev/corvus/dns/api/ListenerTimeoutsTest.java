package dev.corvus.dns.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.corvus.dns.api.config.TlsFiles;
import dev.corvus.dns.api.io.IoLoop;
import dev.corvus.dns.api.io.IoLoops;
import dev.corvus.dns.api.io.TlsClient;
import dev.corvus.dns.api.listener.ListenerSpec;
import dev.corvus.dns.api.listener.ListenerTimeouts;
import dev.corvus.dns.api.plugin.Plugin;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ListenerTimeoutsTest {

  private static ListenerTimeouts timeouts(Duration read, Duration idle, Integer max) {
    return new ListenerTimeouts(Optional.ofNullable(read), Optional.empty(), Optional.ofNullable(idle),
        max == null ? OptionalInt.empty() : OptionalInt.of(max));
  }

  private static Plugin publishing(ListenerTimeouts timeouts) {
    return new Plugin() {
      @Override
      public Optional<ListenerTimeouts> listenerTimeouts() {
        return Optional.of(timeouts);
      }
    };
  }

  @Test
  void whatIsNotGivenIsCoreDnsDefault() {
    ListenerTimeouts none = ListenerTimeouts.DEFAULTS;
    assertEquals(Duration.ofSeconds(3), none.readOrDefault());
    assertEquals(Duration.ofSeconds(5), none.writeOrDefault());
    assertEquals(Duration.ofSeconds(10), none.idleOrDefault());
    assertEquals(-1, none.maxTcpQueriesOrDefault());
  }

  @Test
  void laterBlocksOverrideOptionByOptionAsCoreDns() {
    ListenerSpec spec = new ListenerSpec(new InetSocketAddress(0), "dns://:0", Optional.empty(),
        new IoLoops() {
          @Override
          public IoLoop next() {
            throw new UnsupportedOperationException();
          }

          @Override
          public Optional<IoLoop> current() {
            return Optional.empty();
          }

          @Override
          public TlsClient tlsClient(TlsFiles files, Optional<String> serverName) {
            throw new UnsupportedOperationException();
          }
        },
        List.of(Plugin.none(), publishing(timeouts(Duration.ofSeconds(7), Duration.ofSeconds(30), 5)),
            publishing(timeouts(null, Duration.ofMinutes(1), null))), Optional.empty());
    ListenerTimeouts combined = spec.timeouts();
    assertEquals(Duration.ofSeconds(7), combined.readOrDefault());
    assertEquals(Duration.ofMinutes(1), combined.idleOrDefault());
    assertEquals(Duration.ofSeconds(5), combined.writeOrDefault());
    assertEquals(5, combined.maxTcpQueriesOrDefault());
  }

  @Test
  void nonPositiveValuesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> timeouts(Duration.ZERO, null, null));
    assertThrows(IllegalArgumentException.class, () -> timeouts(null, Duration.ofSeconds(-1), null));
    assertThrows(IllegalArgumentException.class, () -> timeouts(null, null, 0));
    assertThrows(IllegalArgumentException.class, () -> timeouts(null, null, -2));
  }
}
