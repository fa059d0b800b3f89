package dev.corvus.dns.plugin.debug.testkit;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Captures what slf4j-simple prints (it looks up {@code System.err} on every line) while open,
 * still passing it on to the original stream.
 */
public final class CapturedStderr implements AutoCloseable {

  private final PrintStream original = System.err;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

  public CapturedStderr() {
    PrintStream tee = new PrintStream(new java.io.OutputStream() {
      @Override
      public synchronized void write(int b) {
        buffer.write(b);
        original.write(b);
      }

      @Override
      public synchronized void write(byte[] b, int off, int len) {
        buffer.write(b, off, len);
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

  @Override
  public void close() {
    System.setErr(original);
  }
}
