package dev.corvus.dns.plugin.errors;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.DnsException;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Request;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.event.Level;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Wraps the rest of the chain and logs every failure as CoreDNS does ({@code RCODE NAME TYPE:
 * MESSAGE}, RCODE as a number), then lets the failure go on so the server answers SERVFAIL (or the
 * {@link DnsException}'s rcode). Failures matching a {@code consolidate} rule are counted and
 * summarised once per period instead.
 */
final class ErrorsHandler implements Handler {

  private final List<Counting> rules;
  private final ScheduledExecutorService scheduler;
  private final ErrorLog log;
  private final boolean stacktraceOption;
  private volatile boolean debugMode;
  private final AtomicBoolean stopped = new AtomicBoolean();

  ErrorsHandler(ErrorsConfig config, ScheduledExecutorService scheduler, ErrorLog log) {
    this.rules = config.consolidations().stream().map(Counting::new).toList();
    this.scheduler = scheduler;
    this.log = log;
    this.stacktraceOption = config.stacktrace();
  }

  /** Logs full stack traces from now on (the {@code debug} directive is present). */
  void logStackTraces() {
    debugMode = true;
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    CompletionStage<Message> rest;
    try {
      rest = chain.proceed(request);
    } catch (RuntimeException e) {
      report(request, e);
      throw e;
    }
    // An answer from memory is complete already: nothing to report, no stage to chain for it.
    if (rest instanceof CompletableFuture<Message> done && done.isDone() && !done.isCompletedExceptionally()) {
      return rest;
    }
    return rest.whenComplete(
        (response, failure) -> {
          if (failure != null) {
            report(request, unwrap(failure));
          }
        });
  }

  private void report(Request request, Throwable failure) {
    int rcode = Rcode.SERVFAIL;
    if (failure instanceof DnsException dns) {
      if (dns.isDrop()) {
        return; // a deliberate drop (acl) is not an error
      }
      rcode = dns.rcode();
    }
    String text = failure.getMessage() == null ? failure.toString() : failure.getMessage();
    Level level = Level.ERROR;
    for (Counting rule : rules) {
      if (rule.config.pattern().matcher(text).find()) {
        if (rule.consolidate()) {
          return;
        }
        level = rule.config.level();
        break;
      }
    }
    String line = rcode + " " + request.lowerName() + " " + Type.string(request.qtype()) + ": " + text;
    log.log(level, line, stacktraceOption || debugMode ? failure : null);
  }

  /** Logs the summaries still pending, as CoreDNS's errors does at shutdown. */
  void stop() {
    if (stopped.compareAndSet(false, true)) {
      for (Counting rule : rules) {
        ScheduledFuture<?> timer = rule.timer.get();
        if (timer != null && timer.cancel(false)) {
          rule.logSummary();
        }
      }
    }
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** A consolidate rule with its count for the current period. */
  private final class Counting {
    final ErrorsConfig.Consolidation config;
    final AtomicInteger count = new AtomicInteger();
    final AtomicReference<ScheduledFuture<?>> timer = new AtomicReference<>();

    Counting(ErrorsConfig.Consolidation config) {
      this.config = config;
    }

    /** Counts one error; returns whether it needs no line of its own. */
    boolean consolidate() {
      if (stopped.get()) {
        return false;
      }
      if (count.incrementAndGet() == 1) {
        timer.set(scheduler.schedule(this::logSummary, config.period().toNanos(), TimeUnit.NANOSECONDS));
        return !config.showFirst();
      }
      return true;
    }

    void logSummary() {
      int n = count.getAndSet(0);
      // With show_first a single error was already logged in full.
      if (n > 1 || (n == 1 && !config.showFirst())) {
        log.log(
            config.level(),
            n + " errors like '" + config.pattern().pattern() + "' occurred in last " + GoDurations.format(config.period()),
            null);
      }
    }
  }
}
