package dev.corvus.dns.plugin.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Single-flight: joiners share the result; a starter nobody joined is told it holds it alone. */
class SingleFlightTest {

  private final SingleFlight<String, String> flights = new SingleFlight<>();
  private final AtomicInteger joined = new AtomicInteger();

  private CompletableFuture<String> run(String key, CompletableFuture<String> work) {
    return flights.run(key, () -> work, joined::incrementAndGet, value -> value + " (alone)");
  }

  @Test
  void aStarterNobodyJoinedGetsTheResultMarkedAsItsAlone() {
    CompletableFuture<String> work = new CompletableFuture<>();
    CompletableFuture<String> mine = run("a", work);
    work.complete("answer");
    assertEquals("answer (alone)", mine.join());
    assertEquals(0, joined.get());
  }

  @Test
  void callersThatJoinedShareTheUnmarkedResult() {
    CompletableFuture<String> work = new CompletableFuture<>();
    CompletableFuture<String> first = run("a", work);
    CompletableFuture<String> second = run("a", new CompletableFuture<>());
    assertSame(first, second);
    work.complete("answer");
    assertEquals("answer", first.join());
    assertEquals("answer", second.join());
    assertEquals(1, joined.get());
  }

  @Test
  void aCallerAfterTheResultStartsAnew() {
    CompletableFuture<String> work = new CompletableFuture<>();
    CompletableFuture<String> first = run("a", work);
    work.complete("first");
    CompletableFuture<String> again = new CompletableFuture<>();
    CompletableFuture<String> second = run("a", again);
    again.complete("second");
    assertEquals("first (alone)", first.join());
    assertEquals("second (alone)", second.join());
    assertEquals(0, joined.get());
  }

  @Test
  void aFailureReachesEveryCallerUnmarked() {
    CompletableFuture<String> work = new CompletableFuture<>();
    CompletableFuture<String> first = run("a", work);
    CompletableFuture<String> second = run("a", new CompletableFuture<>());
    work.completeExceptionally(new IllegalStateException("down"));
    assertEquals(true, first.isCompletedExceptionally());
    assertEquals(true, second.isCompletedExceptionally());
  }
}
