package dev.corvus.dns.plugin.forward;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The queries waiting on one socket or connection, by their 16-bit ID: an open-addressing table
 * with linear probing, so that a query costs no boxed key and no map entry. The IDs are random
 * (RFC 5452 §9.2), which makes their low bits a good hash. Not thread-safe: each table belongs to
 * one loop.
 *
 * @param <T> what waits under an ID
 */
final class PendingQueries<T> {

  private static final int EMPTY = -1;
  private static final int INITIAL_CAPACITY = 16;

  private int[] ids = newIds(INITIAL_CAPACITY);
  private Object[] values = new Object[INITIAL_CAPACITY];
  private int size;

  /** What waits under {@code id}, or {@code null}. */
  @SuppressWarnings("unchecked")
  T get(int id) {
    int mask = ids.length - 1;
    for (int i = id & mask; ids[i] != EMPTY; i = (i + 1) & mask) {
      if (ids[i] == id) {
        return (T) values[i];
      }
    }
    return null;
  }

  boolean containsId(int id) {
    return get(id) != null;
  }

  /** Adds {@code value} under {@code id}, which must be free. */
  void put(int id, T value) {
    if (2 * (size + 1) > ids.length) {
      grow();
    }
    int mask = ids.length - 1;
    int i = id & mask;
    while (ids[i] != EMPTY) {
      if (ids[i] == id) {
        throw new IllegalStateException("query ID " + id + " is taken");
      }
      i = (i + 1) & mask;
    }
    ids[i] = id;
    values[i] = value;
    size++;
  }

  /** Removes and returns what waits under {@code id}, or {@code null}. */
  @SuppressWarnings("unchecked")
  T remove(int id) {
    int mask = ids.length - 1;
    int i = id & mask;
    while (ids[i] != id) {
      if (ids[i] == EMPTY) {
        return null;
      }
      i = (i + 1) & mask;
    }
    T removed = (T) values[i];
    // Backward-shift deletion: move later entries of the probe run into the hole.
    int hole = i;
    for (int j = (i + 1) & mask; ids[j] != EMPTY; j = (j + 1) & mask) {
      int home = ids[j] & mask;
      boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
      if (movable) {
        ids[hole] = ids[j];
        values[hole] = values[j];
        hole = j;
      }
    }
    ids[hole] = EMPTY;
    values[hole] = null;
    size--;
    return removed;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** Every waiting value, in no particular order. */
  @SuppressWarnings("unchecked")
  List<T> values() {
    List<T> all = new ArrayList<>(size);
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] != EMPTY) {
        all.add((T) values[i]);
      }
    }
    return all;
  }

  /** Removes and returns every waiting value. */
  List<T> clear() {
    List<T> all = values();
    Arrays.fill(ids, EMPTY);
    Arrays.fill(values, null);
    size = 0;
    return all;
  }

  private void grow() {
    int[] oldIds = ids;
    Object[] oldValues = values;
    ids = newIds(oldIds.length * 2);
    values = new Object[oldIds.length * 2];
    int mask = ids.length - 1;
    for (int k = 0; k < oldIds.length; k++) {
      if (oldIds[k] != EMPTY) {
        int i = oldIds[k] & mask;
        while (ids[i] != EMPTY) {
          i = (i + 1) & mask;
        }
        ids[i] = oldIds[k];
        values[i] = oldValues[k];
      }
    }
  }

  private static int[] newIds(int capacity) {
    int[] fresh = new int[capacity];
    Arrays.fill(fresh, EMPTY);
    return fresh;
  }
}
