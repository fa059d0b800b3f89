package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.api.Ticker;
import dev.corvus.dns.api.io.IoLoop;
import java.util.concurrent.TimeUnit;

/**
 * A timer on an I/O loop whose deadline is a reading of the plugin's {@link Ticker}: read
 * timeouts, health-check intervals, idle connections. The loop wakes it when the delay has passed
 * in real time, and it fires only once the ticker has reached the deadline too; while the ticker
 * lags behind (a test's hand-driven one) it looks again every {@link #RECHECK_NANOS}. With the
 * system ticker the two agree and it fires once, at the deadline. Confined to its loop: created,
 * fired and cancelled there.
 */
final class TickerTimer implements Runnable {

  /** How often an expired wake-up looks at a ticker that has not reached the deadline yet. */
  static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final IoLoop loop;
  private final Ticker ticker;
  private final long deadline;
  private final Runnable task;
  private IoLoop.Scheduled scheduled;
  private boolean done;

  private TickerTimer(IoLoop loop, Ticker ticker, long deadline, Runnable task) {
    this.loop = loop;
    this.ticker = ticker;
    this.deadline = deadline;
    this.task = task;
  }

  /** Runs {@code task} on {@code loop} once {@code ticker} reads {@code deadline} or later. */
  static TickerTimer at(IoLoop loop, Ticker ticker, long deadline, Runnable task) {
    TickerTimer timer = new TickerTimer(loop, ticker, deadline, task);
    timer.scheduled = loop.schedule(timer, Math.max(0, deadline - ticker.read()));
    return timer;
  }

  /** The ticker reading at which the task runs. */
  long deadline() {
    return deadline;
  }

  @Override
  public void run() {
    if (done) {
      return;
    }
    long remaining = deadline - ticker.read();
    if (remaining > 0) {
      scheduled = loop.schedule(this, Math.min(remaining, RECHECK_NANOS));
      return;
    }
    done = true;
    task.run();
  }

  /** Keeps the task from running; harmless after it ran. */
  void cancel() {
    if (!done) {
      done = true;
      scheduled.cancel();
    }
  }
}
