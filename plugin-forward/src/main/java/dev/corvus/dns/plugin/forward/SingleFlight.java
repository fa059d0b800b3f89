package dev.corvus.dns.plugin.forward;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * Coalesces identical work in flight: the first caller for a key starts it, callers arriving
 * before it completes share its result. The key is forgotten before the result is delivered, so
 * a caller that arrives afterwards starts anew.
 *
 * @param <K> the key
 * @param <V> the result
 */
final class SingleFlight<K, V> {

  private final ConcurrentMap<K, CompletableFuture<V>> inFlight = new ConcurrentHashMap<>();

  /**
   * The result of the work in flight for {@code key}, or of {@code work} started now.
   *
   * @param shared told when this caller joined work already in flight
   */
  CompletableFuture<V> run(K key, Supplier<CompletableFuture<V>> work, Runnable shared) {
    CompletableFuture<V> existing = inFlight.get(key);
    if (existing != null) {
      shared.run();
      return existing;
    }
    CompletableFuture<V> mine = new CompletableFuture<>();
    existing = inFlight.putIfAbsent(key, mine);
    if (existing != null) {
      shared.run();
      return existing;
    }
    CompletableFuture<V> started;
    try {
      started = work.get();
    } catch (RuntimeException e) {
      inFlight.remove(key, mine);
      mine.completeExceptionally(e);
      return mine;
    }
    started.whenComplete(
        (value, error) -> {
          inFlight.remove(key, mine);
          if (error != null) {
            mine.completeExceptionally(error);
          } else {
            mine.complete(value);
          }
        });
    return mine;
  }
}
