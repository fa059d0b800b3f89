package dev.corvus.dns.plugin.forward;

import java.security.SecureRandom;

/**
 * Unpredictable 16-bit query IDs (RFC 5452 §9.2) for the sockets of one loop, drawn from a buffer
 * of secure random bytes refilled in batches, so that a query does not pay for a call into the
 * system's generator. Not thread-safe: each loop has its own.
 */
final class QueryIds {

  private static final int BATCH = 512;

  private final SecureRandom random;
  private final byte[] buffer = new byte[BATCH];
  private int index = BATCH;

  /** @param random the generator shared by the plugin's loops (it is thread-safe) */
  QueryIds(SecureRandom random) {
    this.random = random;
  }

  /** The next ID. */
  int next() {
    if (index >= BATCH) {
      random.nextBytes(buffer);
      index = 0;
    }
    int id = ((buffer[index] & 0xff) << 8) | (buffer[index + 1] & 0xff);
    index += 2;
    return id;
  }

  /** The next ID that is not waiting in {@code pending}. */
  int nextFree(PendingQueries<?> pending) {
    int id = next();
    while (pending.containsId(id)) {
      id = next();
    }
    return id;
  }
}
