package dev.corvus.dns.plugin.reload;

import dev.corvus.dns.api.capability.ServerControl;
import dev.corvus.dns.api.metrics.Metrics;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the Corefile and the files it imports every interval (± jitter, drawn once per
 * configuration as CoreDNS does) and asks the server to reload when their SHA-512 changed. A
 * failed reload is logged with the Corefile error ({@code file:line}) and not retried until the
 * files change again; the old configuration keeps serving. {@code coredns_reload_failed_total} is
 * counted by the server itself for every failed reload, so this plugin does not count it again. On success the server replaces this plugin with the new
 * configuration's.
 */
final class ReloadPlugin implements Plugin {

  private static final Logger LOG = LoggerFactory.getLogger(ReloadPlugin.class);

  private final PluginContext context;
  private final ServerControl server;
  private final Duration period;
  private final AtomicBoolean busy = new AtomicBoolean();
  private volatile String lastDigest;
  private ScheduledFuture<?> checker;

  ReloadPlugin(ReloadConfig config, PluginContext context, ServerControl server) {
    this.context = context;
    this.server = server;
    this.period = withJitter(config);
  }

  private static Duration withJitter(ReloadConfig config) {
    long jitter = config.jitter().toNanos();
    if (jitter == 0) {
      return config.interval();
    }
    return config.interval().plusNanos(ThreadLocalRandom.current().nextLong(jitter) - jitter / 2);
  }

  /** The interval actually used, jitter included. */
  Duration period() {
    return period;
  }

  @Override
  public synchronized CompletionStage<Void> start() {
    ServerControl.ConfigSource source = server.configSource();
    String running = source.sha512();
    try {
      context.metrics().gaugeFunction("coredns_reload_version_info",
          "A metric with a constant '1' value labeled by hash, and value which type of hash generated.",
          List.of("hash", "value"),
          () -> List.of(new Metrics.Sample(List.of("sha512", running), 1)));
    } catch (IllegalArgumentException e) {
      // A registry that refuses the "_info" suffix must not stop reloading.
      LOG.warn("coredns_reload_version_info is not exported: {}", e.getMessage());
    }
    if (source.files().isEmpty()) {
      LOG.warn("reload: the configuration was not read from a file; nothing to watch");
      return STARTED;
    }
    LOG.info("Running configuration SHA512 = {}", running);
    // The baseline is the files as they are now: the configuration's own hash covers the
    // Corefile's text but not its imports.
    lastDigest = digestOrNull(source.files());
    long nanos = period.toNanos();
    checker = context.scheduler().scheduleWithFixedDelay(this::check, nanos, nanos, TimeUnit.NANOSECONDS);
    return STARTED;
  }

  @Override
  public synchronized void stop() {
    if (checker != null) {
      checker.cancel(false);
      checker = null;
    }
  }

  /** One check; does nothing while an earlier reload is still in progress. */
  void check() {
    if (!busy.compareAndSet(false, true)) {
      return;
    }
    String digest = digestOrNull(server.configSource().files());
    if (digest == null || digest.equals(lastDigest)) {
      busy.set(false);
      return;
    }
    // As CoreDNS: a changed file is tried once; a broken edit is not retried until it changes.
    lastDigest = digest;
    LOG.info("Corefile changed, reloading");
    server.reload().whenComplete((ignored, failure) -> {
      if (failure != null) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        LOG.error("Corefile changed but reload failed: {}", cause.getMessage() == null ? cause.toString() : cause.getMessage());
      }
      busy.set(false);
    });
  }

  /** The SHA-512 over every watched file, or {@code null} when one cannot be read right now. */
  private static String digestOrNull(List<Path> files) {
    MessageDigest md = newDigest();
    for (Path file : files) {
      byte[] bytes = readOrNull(file);
      if (bytes == null) {
        return null;
      }
      md.update(sha512Bytes(bytes));
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static byte[] readOrNull(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("reload: cannot read {}: {}", file, e.toString());
      return null;
    }
  }

  private static byte[] sha512Bytes(byte[] bytes) {
    return newDigest().digest(bytes);
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-512 is required of every Java platform", e);
    }
  }
}
