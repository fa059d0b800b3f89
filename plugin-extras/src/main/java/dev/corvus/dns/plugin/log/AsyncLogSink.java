package dev.corvus.dns.plugin.log;

import dev.corvus.dns.api.metrics.Counter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a {@code log} directive's lines on a thread of its own, so that a slow destination (a
 * terminal, a pipe nobody reads, a full disk behind standard error) never holds up an I/O
 * thread. The I/O threads queue each line's {@link LogFormat.Entry} without waiting; one
 * background thread renders and writes them in order. The queue is bounded: when it is full the
 * line is dropped and counted in {@code corvus_log_dropped_lines_total}, and queries go on being
 * answered at full speed.
 *
 * <p>Lines are rendered here rather than on the I/O thread because copying a line's inputs is
 * one small object, while rendering builds the line's strings (the address, the name, the
 * duration): in the Common Log Format, about 30 ns and 88 bytes against 1.3 µs and 1.6 KB per
 * line ({@code LogLineBenchmark}, on a shared two-core machine).
 */
final class AsyncLogSink implements LogSink {

  private static final Logger LOG = LoggerFactory.getLogger(AsyncLogSink.class);

  /** Lines waiting at most: some seconds of a busy server's queries, a few hundred KiB. */
  static final int DEFAULT_CAPACITY = 8192;

  /** How long {@link #close} waits for the queued lines to be written. */
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

  /** Wakes the writer thread when it waits on an empty queue at close. */
  private static final Object CLOSE = new Object();

  private static final int BATCH = 256;

  private final BlockingQueue<Object> queue;
  private final Consumer<String> writer;
  private final Counter.Child dropped;
  private final String threadName;
  private volatile boolean closed;
  private Thread thread;

  /**
   * @param writer writes one rendered line; called on the sink's thread only
   * @param capacity how many lines may wait
   * @param dropped counts the lines dropped because the queue was full (or the sink closed)
   * @param threadName the name of the writer thread
   */
  AsyncLogSink(Consumer<String> writer, int capacity, Counter.Child dropped, String threadName) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.writer = writer;
    this.dropped = dropped;
    this.threadName = threadName;
  }

  @Override
  public void submit(LogFormat.Entry entry) {
    if (closed || !queue.offer(entry)) {
      dropped.inc();
    }
  }

  /** Starts the writer thread; lines submitted before wait for it. */
  synchronized void start() {
    if (thread != null || closed) {
      return;
    }
    thread = new Thread(this::writeUntilClosed, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Stops taking lines, writes those queued (waiting at most {@link #DRAIN_TIMEOUT} for them) and
   * ends the writer thread. Lines submitted afterwards are dropped and counted.
   */
  void close() {
    Thread running;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      running = thread;
    }
    if (running == null) {
      writeQueued(); // never started: write what was queued here
      return;
    }
    // When the queue is full the thread is not waiting, and it sees `closed` once it emptied it.
    queue.offer(CLOSE);
    try {
      running.join(DRAIN_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (running.isAlive()) {
      LOG.warn("log: the log writer did not finish within {} s; {} lines were not written",
          DRAIN_TIMEOUT.toSeconds(), queue.size());
    }
  }

  private void writeUntilClosed() {
    List<Object> batch = new ArrayList<>(BATCH);
    try {
      while (!(closed && queue.isEmpty())) {
        batch.add(queue.take());
        queue.drainTo(batch, BATCH - 1);
        batch.forEach(this::write);
        batch.clear();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void writeQueued() {
    for (Object line = queue.poll(); line != null; line = queue.poll()) {
      write(line);
    }
  }

  private void write(Object line) {
    if (line instanceof LogFormat.Entry entry) {
      try {
        writer.accept(entry.render());
      } catch (RuntimeException e) {
        LOG.warn("log: cannot write a line: {}", e.toString());
      }
    }
  }
}
