package dev.corvus.dns.plugin.forward;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
 * each failure counts towards {@code max_fails}.
 */
final class HealthChecker {

  private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);
  /** CoreDNS's health check read timeout. */
  private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(1);

  private final Upstream upstream;
  private final HealthCheckSettings settings;
  private final UpstreamProtocol protocol;
  private final ScheduledExecutorService scheduler;
  private final long timeoutNanos;
  private final Record question;
  private final byte[] probe;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile boolean stopped;
  private volatile ScheduledFuture<?> next;

  /**
   * @param protocol UDP, or TCP with {@code force_tcp}; TLS upstreams are always probed over TLS
   * @param readTimeout the query read timeout; a probe waits at most this or 1 s
   */
  HealthChecker(
      Upstream upstream,
      HealthCheckSettings settings,
      UpstreamProtocol protocol,
      Duration readTimeout,
      ScheduledExecutorService scheduler) {
    this.upstream = upstream;
    this.settings = settings;
    this.protocol = upstream.protocolFor(protocol);
    this.scheduler = scheduler;
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

  /** Starts a probe loop unless one is running. */
  void trigger() {
    if (stopped || !settings.enabled()) {
      return;
    }
    if (running.compareAndSet(false, true)) {
      check();
    }
  }

  private void check() {
    if (stopped) {
      running.set(false);
      return;
    }
    upstream
        .exchange(probe, question, protocol, timeoutNanos, timeoutNanos)
        .whenComplete(
            (answer, error) -> {
              if (error == null) {
                upstream.checkSucceeded();
                running.set(false);
                return;
              }
              upstream.checkFailed();
              log.debug("health check of {} failed: {}", upstream, Upstream.unwrap(error).getMessage());
              scheduleNext();
            });
  }

  private void scheduleNext() {
    if (stopped) {
      running.set(false);
      return;
    }
    try {
      next = scheduler.schedule(this::check, settings.interval().toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      running.set(false);
    }
  }

  /** Stops probing. */
  void stop() {
    stopped = true;
    ScheduledFuture<?> pending = next;
    if (pending != null) {
      pending.cancel(false);
    }
  }
}
