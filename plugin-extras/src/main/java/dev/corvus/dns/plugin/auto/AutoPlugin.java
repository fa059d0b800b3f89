package dev.corvus.dns.plugin.auto;

import com.google.re2j.Matcher;
import dev.corvus.dns.api.Fallthrough;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.plugin.file.FileHandler;
import dev.corvus.dns.plugin.file.FileZones;
import dev.corvus.dns.plugin.file.ZoneData;
import dev.corvus.dns.plugin.file.ZoneTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The {@code auto} directive: scans its directory at start and every {@code reload}, loading a zone
 * for each new file, reloading one whose SOA serial changed, and dropping zones whose file is gone.
 * A file that does not parse is logged and skipped (its zone, if served, kept).
 */
final class AutoPlugin implements Plugin {

  private static final Logger log = LoggerFactory.getLogger(AutoPlugin.class);

  private final AutoConfig config;
  private final ZoneTable table;
  private final FileZones source;
  private final PluginContext context;
  private final Handler handler;
  private final Map<Name, Path> files = new HashMap<>();
  private ScheduledFuture<?> scans;

  AutoPlugin(AutoConfig config, ZoneTable table, FileZones source, PluginContext context) {
    this.config = config;
    this.table = table;
    this.source = source;
    this.context = context;
    FileHandler answers = new FileHandler(Fallthrough.NONE, table, context.resolver());
    // names outside ZONES pass on; inside, a name in no loaded zone goes on as well (file's rule)
    this.handler = chain -> Names.longestMatch(chain.request().qname(), config.zones()) == null
        ? chain.proceed(chain.request())
        : answers.handle(chain);
  }

  @Override
  public Optional<Handler> handler() {
    return Optional.of(handler);
  }

  @Override
  public CompletionStage<Void> start() {
    scan();
    long millis = config.reload().toMillis();
    if (millis > 0) {
      scans = context.scheduler().scheduleWithFixedDelay(this::scan, millis, millis, TimeUnit.MILLISECONDS);
    }
    return STARTED;
  }

  @Override
  public void stop() {
    if (scans != null) {
      scans.cancel(false);
    }
  }

  /** One pass over the directory (CoreDNS's Walk). */
  synchronized void scan() {
    Map<Name, Path> seen = new HashMap<>();
    List<Path> candidates;
    try (Stream<Path> walk = Files.walk(config.directory())) {
      candidates = walk.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException | RuntimeException e) {
      log.warn("auto: cannot read {}: {}", config.directory(), e.toString());
      return;
    }
    for (Path file : candidates) {
      Matcher matcher = config.pattern().matcher(file.getFileName().toString());
      if (!matcher.find()) {
        continue;
      }
      Name origin;
      try {
        origin = Name.fromString(AutoFactory.expand(config.template(), matcher), Name.root).canonicalize();
      } catch (TextParseException e) {
        log.warn("auto: {} names no valid origin: {}", file, e.getMessage());
        continue;
      }
      if (Names.longestMatch(origin, config.zones()) == null) {
        continue; // CoreDNS loads it but never answers for it
      }
      Path previous = seen.putIfAbsent(origin, file);
      if (previous != null) {
        log.warn("auto: multiple zone files match origin {}: using {} instead of {}", origin, previous, file);
        continue;
      }
      load(origin, file);
    }
    Set<Name> gone = new HashSet<>(files.keySet());
    gone.removeAll(seen.keySet());
    for (Name origin : gone) {
      files.remove(origin);
      table.remove(origin);
      log.info("auto: deleting zone {}", origin);
    }
  }

  private void load(Name origin, Path file) {
    ZoneData current = table.zone(origin);
    try {
      ZoneData fresh = ZoneData.load(file, origin);
      files.put(origin, file);
      if (current == null || fresh.serial() != current.serial()) {
        table.put(fresh);
        log.info("auto: {} zone {} from {} with serial {}", current == null ? "inserting" : "reloaded", origin, file,
            fresh.serial());
        if (current != null) {
          source.changed(origin);
        }
      }
    } catch (ZoneData.ZoneFileException e) {
      if (current != null) {
        files.put(origin, file);
      }
      log.warn("auto: parse zone {}: {}", origin, e.getMessage());
    }
  }
}
