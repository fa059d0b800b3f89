package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.api.Ticker;
import dev.corvus.dns.api.io.IoLoop;
import dev.corvus.dns.api.io.IoLoops;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * CoreDNS's in-band health check of one upstream: after a failed query it asks {@code DOMAIN IN
 * NS} over the same transport as the queries, and repeats at the configured interval as long as
 * the upstream does not answer. Any answer, whatever its rcode, means healthy and stops the loop;
 * each failure counts towards {@code max_fails}. A round of probes runs on one of the server's I/O
 * loops ({@link IoLoops#next()}), its interval measured by the plugin's ticker.
 */
final class HealthChecker {

  private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);
  /** CoreDNS's health check read timeout. */
  private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(1);

  private final Upstream upstream;
  private final HealthCheckSettings settings;
  private final UpstreamProtocol protocol;
  private final IoLoops loops;
  private final Ticker ticker;
  private final long timeoutNanos;
  private final Record question;
  private final byte[] probe;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile boolean stopped;
  /** The loop of the current round and its timer; set and read on that loop. */
  private volatile IoLoop loop;
  private TickerTimer next;

  /**
   * @param protocol UDP, or TCP with {@code force_tcp}; TLS upstreams are always probed over TLS
   * @param readTimeout the query read timeout; a probe waits at most this or 1 s
   */
  HealthChecker(
      Upstream upstream,
      HealthCheckSettings settings,
      UpstreamProtocol protocol,
      Duration readTimeout,
      IoLoops loops,
      Ticker ticker) {
    this.upstream = upstream;
    this.settings = settings;
    this.protocol = upstream.protocolFor(protocol);
    this.loops = loops;
    this.ticker = ticker;
    this.timeoutNanos = Math.min(CHECK_TIMEOUT.toNanos(), readTimeout.toNanos());
    this.question = Record.newRecord(settings.domain(), Type.NS, DClass.IN);
    Message message = Message.newQuery(question);
    if (!settings.recursionDesired()) {
      message.getHeader().unsetFlag(Flags.RD);
    } else {
      message.getHeader().setFlag(Flags.RD);
    }
    this.probe = message.toWire();
  }

  /** Starts a round of probes unless one is running. */
  void trigger() {
    if (stopped || !settings.enabled()) {
      return;
    }
    if (running.compareAndSet(false, true)) {
      IoLoop chosen;
      try {
        chosen = loops.next();
        chosen.execute(() -> {
          loop = chosen;
          check();
        });
      } catch (RuntimeException e) {
        // No loop to run on (the server is stopping): no round.
        running.set(false);
      }
    }
  }

  /** Runs on {@link #loop}. */
  private void check() {
    next = null;
    if (stopped) {
      running.set(false);
      return;
    }
    upstream
        .exchange(loop, probe, question, protocol, timeoutNanos, timeoutNanos, Purpose.HEALTH_CHECK)
        .whenComplete(
            (answer, error) -> {
              if (error == null) {
                upstream.checkSucceeded();
                running.set(false);
                return;
              }
              // The interval runs from the failure, read before it is counted: whoever sees the
              // count sees a ticker at or past the interval's start.
              long failedAt = ticker.read();
              upstream.checkFailed();
              log.debug("health check of {} failed: {}", upstream, Upstream.unwrap(error).getMessage());
              if (stopped) {
                running.set(false);
                return;
              }
              next = TickerTimer.at(loop, ticker, failedAt + settings.interval().toNanos(), this::check);
            });
  }

  /** Stops probing. */
  void stop() {
    stopped = true;
    IoLoop current = loop;
    if (current != null) {
      try {
        current.execute(() -> {
          if (next != null) {
            next.cancel();
            next = null;
          }
        });
      } catch (RejectedExecutionException e) {
        // The loop has shut down: its timers with it.
      }
    }
  }
}
