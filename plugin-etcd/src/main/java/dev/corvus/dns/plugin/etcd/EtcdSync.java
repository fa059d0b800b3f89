package dev.corvus.dns.plugin.etcd;

import dev.corvus.dns.api.Ticker;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link RecordView} equal to the keys under the plugin's prefix: one full read, then a
 * watch from the revision after it. When the watch fails for good (etcd compacted the revision
 * it needs, the client gave up) the view is read again in full and watched anew; until then, and
 * while etcd is away, the last view keeps serving. jetcd's watch itself reconnects and resumes
 * from the last revision it saw after a short outage.
 */
final class EtcdSync implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EtcdSync.class);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
  private static final long RETRY_MIN_MILLIS = 500;
  private static final long RETRY_MAX_MILLIS = 10_000;
  /** How often lease TTLs are read again (a kept-alive lease's remaining TTL grows back). */
  private static final long LEASE_REFRESH_MILLIS = 5_000;

  private final EtcdConfig config;
  /** Told after every change of the view (the key gauge). */
  private final Runnable changed;
  private final RecordView view;
  private final ScheduledExecutorService scheduler;
  private final Ticker ticker;
  private final Client client;
  private final ByteSequence prefix;
  private final CompletableFuture<Void> firstLoad = new CompletableFuture<>();
  /** Lease id → the ticker time its TTL runs out. */
  private final Map<Long, Long> leaseDeadlines = new ConcurrentHashMap<>();
  private final AtomicLong generation = new AtomicLong();
  private volatile Watch.Watcher watcher;
  private volatile ScheduledFuture<?> retry;
  private volatile ScheduledFuture<?> leaseRefresh;
  private volatile boolean closed;
  private volatile boolean reportedDown;
  /** The next retry's delay, doubling to {@link #RETRY_MAX_MILLIS}; guarded by {@code this}. */
  private long retryMillis = RETRY_MIN_MILLIS;

  EtcdSync(EtcdConfig config, RecordView view, ScheduledExecutorService scheduler, Ticker ticker, Runnable changed)
      throws SSLException {
    this.changed = changed;
    this.config = config;
    this.view = view;
    this.scheduler = scheduler;
    this.ticker = ticker;
    this.client = newClient(config);
    this.prefix = bytes(config.keyPrefix());
  }

  private static Client newClient(EtcdConfig config) throws SSLException {
    ClientBuilder builder = Client.builder()
        .endpoints(config.endpoints().toArray(java.net.URI[]::new))
        .connectTimeout(Duration.ofSeconds(5))
        .keepaliveTime(Duration.ofSeconds(5))
        .keepaliveTimeout(Duration.ofSeconds(5))
        // reads are retried by this class, with the last view serving meanwhile
        .retryMaxAttempts(2)
        .retryMaxDuration(READ_TIMEOUT);
    config.credentials().ifPresent(c -> builder.user(bytes(c.user())).password(bytes(c.password())));
    if (config.tls().isPresent()) {
      var files = config.tls().get();
      builder.sslContext(ssl -> {
        files.ca().ifPresent(ca -> ssl.trustManager(ca.toFile()));
        if (files.certificate().isPresent()) {
          ssl.keyManager(files.certificate().get().toFile(), files.key().orElseThrow().toFile());
        }
        ssl.protocols("TLSv1.3", "TLSv1.2");
      });
    }
    return builder.build();
  }

  /** Completes when the first full read has been applied. */
  CompletableFuture<Void> firstLoad() {
    return firstLoad;
  }

  void start() {
    load();
    leaseRefresh = scheduler.scheduleWithFixedDelay(
        this::refreshLeases, LEASE_REFRESH_MILLIS, LEASE_REFRESH_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Reads every key under the prefix, swaps the view, and watches from the next revision. */
  private void load() {
    if (closed) {
      return;
    }
    long gen = generation.incrementAndGet();
    client.getKVClient()
        .get(prefix, GetOption.builder().isPrefix(true).build())
        .orTimeout(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((response, failure) -> {
          if (closed || gen != generation.get()) {
            return;
          }
          if (failure != null) {
            loadFailed(failure);
            return;
          }
          try {
            applyFull(response);
            watchFrom(response.getHeader().getRevision() + 1, gen);
          } catch (RuntimeException e) {
            loadFailed(e);
          }
        });
  }

  private void applyFull(GetResponse response) {
    List<RecordView.Node> nodes = new ArrayList<>(response.getKvs().size());
    for (KeyValue kv : response.getKvs()) {
      nodes.add(node(kv));
    }
    view.replaceAll(nodes);
    changed.run();
    resetBackoff();
    if (reportedDown) {
      log.info("etcd: {} reachable again; {} keys under {} at revision {}", config.endpoints(), nodes.size(),
          config.keyPrefix(), response.getHeader().getRevision());
      reportedDown = false;
    } else {
      log.info("etcd: loaded {} keys under {} at revision {}", nodes.size(), config.keyPrefix(),
          response.getHeader().getRevision());
    }
    firstLoad.complete(null);
  }

  private void watchFrom(long revision, long gen) {
    Watch.Watcher previous = watcher;
    if (previous != null) {
      previous.close();
    }
    WatchOption option = WatchOption.builder().isPrefix(true).withRevision(revision).build();
    watcher = client.getWatchClient().watch(prefix, option, new Watch.Listener() {
      @Override
      public void onNext(WatchResponse response) {
        if (gen == generation.get()) {
          apply(response);
        }
      }

      @Override
      public void onError(Throwable error) {
        if (gen == generation.get() && !closed) {
          log.warn("etcd: watch of {} failed ({}); serving the last view and reading etcd again",
              config.keyPrefix(), error.toString());
          scheduleLoad();
        }
      }

      @Override
      public void onCompleted() {
        if (gen == generation.get() && !closed) {
          scheduleLoad();
        }
      }
    });
  }

  private void apply(WatchResponse response) {
    for (WatchEvent event : response.getEvents()) {
      KeyValue kv = event.getKeyValue();
      switch (event.getEventType()) {
        case PUT -> view.put(node(kv));
        case DELETE -> view.remove(string(kv.getKey()));
        default -> { }
      }
    }
    changed.run();
  }

  private RecordView.Node node(KeyValue kv) {
    String key = string(kv.getKey());
    RecordView.Node known = view.get(key);
    if (known != null && known.modRevision() == kv.getModRevision()) {
      return known;
    }
    SkyDnsService service;
    byte[] value = kv.getValue().getBytes();
    try {
      service = SkyDnsService.parse(key, value);
    } catch (SkyDnsService.MalformedException e) {
      // logged once per change of the key; the key is left out of answers, nothing else is
      log.warn("etcd: skipping {}: not a SkyDNS message ({}): {}", key, e.getMessage(), SkyDnsService.preview(value));
      service = null;
    }
    long lease = kv.getLease();
    if (lease != 0 && !leaseDeadlines.containsKey(lease)) {
      readLease(lease);
    }
    return new RecordView.Node(key, service, lease, kv.getModRevision());
  }

  private void loadFailed(Throwable failure) {
    if (!reportedDown) {
      log.warn("etcd: cannot read {} from {} ({}); {} and retrying", config.keyPrefix(), config.endpoints(),
          rootCause(failure), view.loaded() ? "serving the last view" : "not serving yet");
      reportedDown = true;
    }
    scheduleLoad();
  }

  private synchronized void resetBackoff() {
    retryMillis = RETRY_MIN_MILLIS;
  }

  private synchronized void scheduleLoad() {
    if (closed) {
      return;
    }
    generation.incrementAndGet();
    long delay = retryMillis;
    retryMillis = Math.min(RETRY_MAX_MILLIS, retryMillis * 2);
    retry = scheduler.schedule(this::load, delay, TimeUnit.MILLISECONDS);
  }

  // ---- leases ------------------------------------------------------------------------------

  /**
   * The TTL to serve for a key's lease, clamped to {@code [min-lease-ttl, max-lease-ttl]}; 0 when
   * the key has no lease or its TTL is not known (yet).
   */
  long leaseTtl(long lease) {
    if (lease == 0) {
      return 0;
    }
    Long deadline = leaseDeadlines.get(lease);
    if (deadline == null) {
      return 0;
    }
    long remaining = (deadline - ticker.read() + 999_999_999L) / 1_000_000_000L;
    if (remaining <= 0) {
      return 0;
    }
    long min = config.minLeaseTtl() == 0 ? EtcdConfig.DEFAULT_MIN_LEASE_TTL : config.minLeaseTtl();
    long max = config.maxLeaseTtl() == 0 ? EtcdConfig.DEFAULT_MAX_LEASE_TTL : config.maxLeaseTtl();
    return Math.max(min, Math.min(max, remaining));
  }

  private void readLease(long lease) {
    long asked = ticker.read();
    leaseDeadlines.putIfAbsent(lease, asked);
    client.getLeaseClient()
        .timeToLive(lease, LeaseOption.DEFAULT)
        .orTimeout(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((response, failure) -> {
          if (failure == null) {
            leaseDeadlines.put(lease, asked + TimeUnit.SECONDS.toNanos(Math.max(0, response.getTTL())));
          }
        });
  }

  private void refreshLeases() {
    if (closed) {
      return;
    }
    List<Long> live = view.leases();
    leaseDeadlines.keySet().retainAll(live);
    for (long lease : live) {
      readLease(lease);
    }
  }

  // ---- helpers -----------------------------------------------------------------------------

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }

  private static String string(ByteSequence bytes) {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static String rootCause(Throwable failure) {
    Throwable t = failure;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.toString();
  }

  @Override
  public void close() {
    closed = true;
    generation.incrementAndGet();
    ScheduledFuture<?> r = retry;
    if (r != null) {
      r.cancel(false);
    }
    ScheduledFuture<?> l = leaseRefresh;
    if (l != null) {
      l.cancel(false);
    }
    Watch.Watcher w = watcher;
    if (w != null) {
      w.close();
    }
    client.close();
  }
}
