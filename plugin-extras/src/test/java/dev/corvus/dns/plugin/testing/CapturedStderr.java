package dev.corvus.dns.plugin.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * Captures what slf4j-simple prints (it looks up {@code System.err} on every line) while open,
 * still passing it on to the original stream. A test waits for a line with {@link #awaitLine},
 * which wakes up at every write instead of sleeping.
 */
public final class CapturedStderr implements AutoCloseable {

  private final PrintStream original = System.err;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

  public CapturedStderr() {
    PrintStream tee = new PrintStream(new OutputStream() {
      @Override
      public void write(int b) {
        synchronized (buffer) {
          buffer.write(b);
          buffer.notifyAll();
        }
        original.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        synchronized (buffer) {
          buffer.write(b, off, len);
          buffer.notifyAll();
        }
        original.write(b, off, len);
      }
    }, true, StandardCharsets.UTF_8);
    System.setErr(tee);
  }

  /** The lines captured so far. */
  public List<String> lines() {
    synchronized (buffer) {
      return Arrays.asList(buffer.toString(StandardCharsets.UTF_8).split("\n"));
    }
  }

  /**
   * Waits until a captured line matches {@code line}, at most {@code timeout}.
   *
   * @return whether one did, for the test to assert
   */
  public boolean awaitLine(Predicate<String> line, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (buffer) {
      while (lines().stream().noneMatch(line)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        buffer.wait(Math.max(1, left / 1_000_000));
      }
      return true;
    }
  }

  @Override
  public void close() {
    System.setErr(original);
  }
}
