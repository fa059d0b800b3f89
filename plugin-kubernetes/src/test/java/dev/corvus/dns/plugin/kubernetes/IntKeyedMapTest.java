package dev.corvus.dns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class IntKeyedMapTest {

  private final IntKeyedMap<String> map = new IntKeyedMap<>();

  @Test
  void keysAreAddedChangedAndRemovedThroughGrowth() {
    for (int key = -50_000; key < 50_000; key += 2) {
      map.compute(key, before -> before == null ? "v" : "twice");
    }
    assertEquals(50_000, map.size());
    map.compute(0, before -> before + "+");
    assertEquals("v+", map.get(0));
    assertEquals("v", map.get(-50_000));
    assertEquals("v", map.get(49_998));
    assertNull(map.get(1), "never added");
    for (int key = -50_000; key < 50_000; key += 4) {
      map.compute(key, before -> null);
    }
    assertEquals(25_000, map.size());
    assertNull(map.get(0), "removed");
    assertEquals("v", map.get(2));
    map.compute(0, before -> before == null ? "again" : "stale");
    assertEquals("again", map.get(0), "a removed key comes back without its old value");
    map.compute(7, before -> null);
    assertEquals(25_001, map.size(), "removing an absent key changes nothing");
  }

  /** Removals leave markers; adding and removing other keys over and over rebuilds the table. */
  @Test
  void churnDoesNotFillTheTable() {
    map.compute(Integer.MIN_VALUE, before -> "kept");
    for (int round = 0; round < 200_000; round++) {
      int key = round;
      map.compute(key, before -> "churn");
      map.compute(key, before -> null);
    }
    assertEquals(1, map.size());
    assertEquals("kept", map.get(Integer.MIN_VALUE));
    assertNull(map.get(199_999));
  }

  /**
   * Readers without a lock, while a writer adds, changes and removes keys and the table grows:
   * a key's value is one the writer gave that key, never another key's.
   */
  @Test
  void readersSeeOnlyValuesOfTheirOwnKey() throws Exception {
    int keys = 20_000;
    AtomicBoolean writing = new AtomicBoolean(true);
    CountDownLatch readersStarted = new CountDownLatch(2);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      List<Future<Integer>> readers = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        readers.add(threads.submit(() -> {
          readersStarted.countDown();
          int seen = 0;
          while (writing.get()) {
            for (int key = 0; key < keys; key += 7) {
              String value = map.get(key);
              if (value != null) {
                assertEquals(key, Integer.parseInt(value.substring(0, value.indexOf('/'))), value);
                seen++;
              }
            }
          }
          return seen;
        }));
      }
      readersStarted.await(10, TimeUnit.SECONDS);
      for (int pass = 0; pass < 5; pass++) {
        int generation = pass;
        for (int key = 0; key < keys; key++) {
          int k = key;
          map.compute(key, before -> k + "/" + generation);
        }
        for (int key = pass % 2; key < keys; key += 2) {
          map.compute(key, before -> null);
        }
      }
      writing.set(false);
      for (Future<Integer> reader : readers) {
        reader.get(30, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }
    assertEquals(keys / 2, map.size());
  }
}
