package dev.corvus.dns.plugin.forward;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.io.IoLoop;
import dev.corvus.dns.testkit.ManualClock;
import dev.corvus.dns.testkit.PluginTestKit;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** A ticker timer fires when real time and the ticker have both reached its deadline. */
class TickerTimerTest {

  @Test
  void firesOnlyOnceTheTickerReachesTheDeadline() throws Exception {
    ManualClock clock = new ManualClock();
    try (PluginTestKit kit = new PluginTestKit(clock)) {
      IoLoop loop = kit.ioLoops().next();
      CompletableFuture<Boolean> fired = new CompletableFuture<>();
      loop.execute(() -> TickerTimer.at(loop, clock, clock.read() + Duration.ofMillis(20).toNanos(),
          () -> fired.complete(loop.inLoop())));

      // Real time passes well beyond the delay; the ticker does not move, so neither does the timer.
      assertThrows(TimeoutException.class, () -> fired.get(200, TimeUnit.MILLISECONDS));
      clock.advance(Duration.ofMillis(20));
      assertTrue(fired.get(5, TimeUnit.SECONDS), "fired, on its loop");
    }
  }

  @Test
  void aCancelledTimerNeverFires() throws Exception {
    ManualClock clock = new ManualClock();
    try (PluginTestKit kit = new PluginTestKit(clock)) {
      IoLoop loop = kit.ioLoops().next();
      CompletableFuture<Void> fired = new CompletableFuture<>();
      CompletableFuture<Void> later = new CompletableFuture<>();
      loop.execute(() -> {
        TickerTimer.at(loop, clock, clock.read(), () -> fired.complete(null)).cancel();
        // Scheduled after the first and due at the same time: once it ran, the first had its turn.
        TickerTimer.at(loop, clock, clock.read(), () -> later.complete(null));
      });
      later.get(5, TimeUnit.SECONDS);
      assertFalse(fired.isDone());
    }
  }
}
