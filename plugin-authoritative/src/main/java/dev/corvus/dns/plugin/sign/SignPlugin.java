package dev.corvus.dns.plugin.sign;

import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.plugin.dnssec.KeyPair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * The {@code sign} directive: signs each zone at start when its signed file is missing or due
 * (signatures older than 6 days or expiring within 7), and checks again every 5 hours (CoreDNS's
 * timers). A signed file is written whole to a temporary file and moved into place, so {@code file}
 * never reads half of one.
 */
final class SignPlugin implements Plugin {

  private static final Logger log = LoggerFactory.getLogger(SignPlugin.class);

  static final Duration REFRESH = Duration.ofHours(5);

  private final SignConfig config;
  private final PluginContext context;
  private final SecureRandom random = new SecureRandom();
  private ScheduledFuture<?> refresh;

  SignPlugin(SignConfig config, PluginContext context) {
    this.config = config;
    this.context = context;
  }

  @Override
  public CompletionStage<Void> start() {
    signDue();
    refresh = context.scheduler().scheduleWithFixedDelay(this::signDue, REFRESH.toMillis(), REFRESH.toMillis(),
        TimeUnit.MILLISECONDS);
    return STARTED;
  }

  @Override
  public void stop() {
    if (refresh != null) {
      refresh.cancel(false);
    }
  }

  /** Signs every zone whose signed file is missing or due. */
  void signDue() {
    Instant now = context.clock().instant();
    for (Map.Entry<Name, List<KeyPair>> zone : config.keys().entrySet()) {
      Path signed = config.signedFile(zone.getKey());
      String why;
      try {
        why = Files.exists(signed)
            ? ZoneSigner.resignReason(SignFactory.records(signed, zone.getKey()), zone.getKey(), now)
            : "open " + signed + ": no such file";
      } catch (IOException e) {
        why = e.getMessage();
      }
      if (why != null) {
        sign(zone.getKey(), zone.getValue(), signed, now, why);
      }
    }
  }

  private void sign(Name zone, List<KeyPair> keys, Path signed, Instant now, String why) {
    log.info("sign: signing {} because {}", zone, why);
    long start = System.nanoTime();
    try {
      List<Record> records = ZoneSigner.sign(zone, SignFactory.records(config.file(), zone), keys, now, random);
      StringBuilder text = new StringBuilder()
          .append("; signed by Corvus's sign at ").append(now).append(" from ").append(config.file()).append('\n')
          .append("$ORIGIN ").append(zone).append('\n');
      for (Record r : records) {
        text.append(r).append('\n');
      }
      Files.createDirectories(signed.toAbsolutePath().getParent());
      Path temporary = signed.resolveSibling(signed.getFileName() + ".tmp");
      Files.writeString(temporary, text);
      Files.move(temporary, signed, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      log.info("sign: successfully signed zone {} in {} with key tags {} and {} SOA serial, elapsed {} ms", zone,
          signed, keys.stream().map(KeyPair::tag).toList(), now.getEpochSecond(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    } catch (IOException | DNSSEC.DNSSECException | RuntimeException e) {
      log.warn("sign: error signing {} with key tags {}: {}", zone, keys.stream().map(KeyPair::tag).toList(),
          e.toString());
    }
  }
}
