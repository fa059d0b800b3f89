package dev.corvus.dns.plugin.forward;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Coalesces identical work in flight: the first caller for a key starts it, callers arriving
 * before it completes share its result. The key is forgotten before the result is delivered, so
 * a caller that arrives afterwards starts anew. When nobody joined, the caller that started the
 * work is its result's only holder, and is told so ({@code alone}): it may then use the result
 * without copying it.
 *
 * @param <K> the key
 * @param <V> the result
 */
final class SingleFlight<K, V> {

  private final ConcurrentMap<K, Flight<V>> inFlight = new ConcurrentHashMap<>();

  /**
   * Work in flight: its result, and how many callers joined it; -1 once it completed, after which
   * nobody may join, so that "nobody joined" is final when the result is delivered.
   */
  private static final class Flight<V> {
    @SuppressWarnings("rawtypes")
    private static final AtomicIntegerFieldUpdater<Flight> JOINED =
        AtomicIntegerFieldUpdater.newUpdater(Flight.class, "joined");

    final CompletableFuture<V> result = new CompletableFuture<>();
    private volatile int joined;

    boolean join() {
      while (true) {
        int now = joined;
        if (now < 0) {
          return false;
        }
        if (JOINED.compareAndSet(this, now, now + 1)) {
          return true;
        }
      }
    }

    /** Closes the flight to joiners; whether nobody joined it. */
    boolean close() {
      return JOINED.getAndSet(this, -1) == 0;
    }
  }

  /**
   * The result of the work in flight for {@code key}, or of {@code work} started now.
   *
   * @param shared told when this caller joined work already in flight
   * @param alone applied to the result the starting caller gets when nobody joined it
   */
  CompletableFuture<V> run(K key, Supplier<CompletableFuture<V>> work, Runnable shared, UnaryOperator<V> alone) {
    while (true) {
      Flight<V> existing = inFlight.get(key);
      if (existing == null) {
        Flight<V> mine = new Flight<>();
        existing = inFlight.putIfAbsent(key, mine);
        if (existing == null) {
          return start(key, mine, work, alone);
        }
      }
      if (existing.join()) {
        shared.run();
        return existing.result;
      }
      // It completed meanwhile and is no longer in the map: look again.
    }
  }

  private CompletableFuture<V> start(K key, Flight<V> mine, Supplier<CompletableFuture<V>> work, UnaryOperator<V> alone) {
    CompletableFuture<V> started;
    try {
      started = work.get();
    } catch (RuntimeException e) {
      inFlight.remove(key, mine);
      mine.close();
      mine.result.completeExceptionally(e);
      return mine.result;
    }
    started.whenComplete(
        (value, error) -> {
          inFlight.remove(key, mine);
          boolean nobodyJoined = mine.close();
          if (error != null) {
            mine.result.completeExceptionally(error);
          } else {
            mine.result.complete(nobodyJoined ? alone.apply(value) : value);
          }
        });
    return mine.result;
  }
}
