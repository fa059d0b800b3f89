package dev.corvus.dns.plugin.kubernetes;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.UnaryOperator;

/**
 * A map from {@code int} keys (IPv4 addresses) to values, for the index of 50,000 endpoint
 * addresses: two arrays of open addressing instead of a node, a boxed key and a table slot per
 * entry in a ConcurrentHashMap (1.9 MB less at 50,000 entries, {@code IndexFootprintTest}).
 * Writers (the informers' threads) take the map's lock; readers (the I/O threads) take none.
 *
 * <p>A reader sees each entry either before or after a change: a slot's key is written before
 * its value is published, and once set it never holds another key (a removed entry leaves a
 * marker that only the same key reuses, until the table is rebuilt). A rebuilt table is published
 * whole; a reader still on the old one sees the state before the rebuild.
 *
 * @param <V> the values
 */
final class IntKeyedMap<V> {

  private static final VarHandle VALUES = MethodHandles.arrayElementVarHandle(Object[].class);
  private static final Object REMOVED = new Object();
  /** Free slots a table keeps: at most three quarters used, markers included. */
  private static final int MAX_LOAD_PERCENT = 75;

  private record Table(int[] keys, Object[] values) {
    Table(int capacity) {
      this(new int[capacity], new Object[capacity]);
    }
  }

  private volatile Table table = new Table(16);
  /** Entries; guarded by this. */
  private int size;
  /** Slots holding an entry or a removed marker; guarded by this. */
  private int used;

  /** The value of {@code key}, or {@code null}. */
  @SuppressWarnings("unchecked")
  V get(int key) {
    Table current = table;
    int mask = current.keys.length - 1;
    for (int slot = spread(key) & mask; ; slot = (slot + 1) & mask) {
      Object value = VALUES.getAcquire(current.values, slot);
      if (value == null) {
        return null;
      }
      if (current.keys[slot] == key) {
        return value == REMOVED ? null : (V) value;
      }
    }
  }

  /**
   * Replaces the value of {@code key} with what {@code change} makes of it ({@code null} when
   * absent); a {@code null} result removes the entry.
   */
  @SuppressWarnings("unchecked")
  synchronized void compute(int key, UnaryOperator<V> change) {
    Table current = table;
    int mask = current.keys.length - 1;
    int slot = spread(key) & mask;
    Object value;
    while ((value = current.values[slot]) != null && current.keys[slot] != key) {
      slot = (slot + 1) & mask;
    }
    V before = value == null || value == REMOVED ? null : (V) value;
    V after = change.apply(before);
    if (after == null) {
      if (before != null) {
        VALUES.setRelease(current.values, slot, REMOVED);
        size--;
      }
      return;
    }
    if (value == null) {
      if ((used + 1) * 100L > current.keys.length * (long) MAX_LOAD_PERCENT) {
        rebuild(size + 1);
        compute(key, ignored -> after);
        return;
      }
      current.keys[slot] = key;
      used++;
    }
    VALUES.setRelease(current.values, slot, after);
    if (before == null) {
      size++;
    }
  }

  /** How many keys have a value. */
  synchronized int size() {
    return size;
  }

  /** A new table for {@code entries} at most half full, without the removed markers. */
  private void rebuild(int entries) {
    int capacity = 16;
    while (capacity < entries * 2) {
      capacity <<= 1;
    }
    Table old = table;
    Table next = new Table(capacity);
    int mask = capacity - 1;
    for (int i = 0; i < old.keys.length; i++) {
      Object value = old.values[i];
      if (value != null && value != REMOVED) {
        int slot = spread(old.keys[i]) & mask;
        while (next.values[slot] != null) {
          slot = (slot + 1) & mask;
        }
        next.keys[slot] = old.keys[i];
        next.values[slot] = value;
      }
    }
    used = size;
    table = next;
  }

  /** Neighbouring addresses land far apart (Fibonacci hashing's multiplier). */
  private static int spread(int key) {
    int h = key * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
