package dev.corvus.dns.plugin.cache;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Ticker;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The {@code cache} handler: answers from a positive and a negative cache, passes misses on and
 * stores what comes back, refreshes popular entries before they expire ({@code prefetch}) and
 * serves expired entries when allowed ({@code serve_stale}, RFC 8767).
 *
 * <p>TTLs, prefetch windows and serve-stale ages are measured on the plugin's monotonic {@link
 * Ticker}, so setting the system clock does not make a cached answer's TTL jump; the wall clock
 * only decides whether RRSIGs are still valid (their validity is a date).
 */
final class CacheHandler implements Handler {

  private static final Logger LOG = LoggerFactory.getLogger(CacheHandler.class);

  private final CacheConfig config;
  private final CacheMetrics metrics;
  private final Clock clock;
  private final Ticker ticker;
  private final long staleSeconds;
  private final AnswerCache success;
  private final AnswerCache denial;
  private final CacheExplainer explainer;

  /**
   * @param clock the wall clock, for RRSIG validity
   * @param ticker the monotonic clock of TTLs and prefetch windows
   */
  CacheHandler(CacheConfig config, CacheMetrics metrics, Clock clock, Ticker ticker) {
    this.config = config;
    this.metrics = metrics;
    this.clock = clock;
    this.ticker = ticker;
    this.staleSeconds = config.serveStale().map(s -> s.maxStale().toSeconds()).orElse(0L);
    this.success = new AnswerCache(config.success().capacity(), staleSeconds, ticker, metrics.successEvictions);
    this.denial = new AnswerCache(config.denial().capacity(), staleSeconds, ticker, metrics.denialEvictions);
    this.explainer = new CacheExplainer(this);
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    if (!Names.inAny(request.qname(), config.zones()) || isUnusual(request.message())) {
      if (request.context().explaining()) {
        explainer.explainBypass(chain, request);
      }
      return chain.proceed(request);
    }
    if (request.context().explaining()) {
      return explainer.explain(chain, request);
    }
    long now = ticker.read();
    CacheKey key = CacheKey.of(request);
    metrics.requests.inc();
    CachedAnswer cached = lookup(key, now);
    if (cached == null) {
      metrics.misses.inc();
      return chain.proceed(request).thenApply(response -> storeAndReply(request, key, response, false));
    }
    long ttl = cached.remainingTtl(now);
    if (ttl <= 0) {
      return serveStale(chain, request, key, cached, now);
    }
    Message reply = cached.render(request, config.keepTtl() ? cached.originalTtl() : ttl, true);
    if (shouldPrefetch(cached, now, ttl)) {
      refresh(chain, request, key, cached, now, false);
    }
    return CompletableFuture.completedFuture(reply);
  }

  /**
   * Queries the cache must not answer or learn from: anything but a plain QUERY (NOTIFY, UPDATE),
   * messages that claim to be responses or truncated, several questions, and zone transfers.
   */
  private static boolean isUnusual(Message query) {
    Header header = query.getHeader();
    if (header.getOpcode() != Opcode.QUERY || header.getFlag(Flags.QR) || header.getFlag(Flags.TC)) {
      return true;
    }
    if (header.getCount(Section.QUESTION) != 1) {
      return true;
    }
    int type = query.getQuestion().getType();
    return type == Type.AXFR || type == Type.IXFR;
  }

  /** The entry to answer with, counting a hit of its type or a miss; {@code null} on a miss. */
  private CachedAnswer lookup(CacheKey key, long now) {
    CachedAnswer found = find(key, now, false);
    if (found != null) {
      // The two caches hold disjoint kinds, so the kind tells which one answered.
      (found.kind().isNegative() ? metrics.denialHits : metrics.successHits).inc();
    }
    return found;
  }

  /**
   * The usable entry for {@code key} at {@code now}, or {@code null}.
   *
   * @param quietly whether to look without a trace for the eviction policy (explanations)
   */
  CachedAnswer find(CacheKey key, long now, boolean quietly) {
    CachedAnswer negative = quietly ? denial.peek(key) : denial.get(key);
    if (negative != null && negative.usable(now, staleSeconds)) {
      // CoreDNS: a cached SERVFAIL is transient and must not shadow a usable positive answer.
      if (negative.kind() == ResponseKind.SERVER_ERROR) {
        CachedAnswer positive = quietly ? success.peek(key) : success.get(key);
        if (positive != null && positive.usable(now, staleSeconds)) {
          return positive;
        }
      }
      return negative;
    }
    CachedAnswer positive = quietly ? success.peek(key) : success.get(key);
    return positive != null && positive.usable(now, staleSeconds) ? positive : null;
  }

  private boolean shouldPrefetch(CachedAnswer cached, long now, long ttl) {
    if (config.prefetch().isEmpty()) {
      return false;
    }
    CacheConfig.Prefetch prefetch = config.prefetch().get();
    int hits = cached.recordHit(now, prefetch.window().toNanos());
    long threshold = (long) Math.ceil(prefetch.percentage() / 100.0 * cached.originalTtl());
    return hits >= prefetch.amount() && ttl <= threshold;
  }

  private CompletionStage<Message> serveStale(
      Chain chain, Request request, CacheKey key, CachedAnswer cached, long now) {
    if (config.serveStale().orElseThrow().verify()) {
      // RFC 8767 §5 with CoreDNS's "verify": ask upstream first and fall back to the stale answer
      // only when it does not deliver a usable one.
      CompletionStage<Message> upstream;
      try {
        upstream = chain.proceed(request);
      } catch (RuntimeException e) {
        upstream = CompletableFuture.failedFuture(e);
      }
      return upstream.handle(
          (response, error) -> {
            if (error == null && isRefresh(request, response)) {
              return storeAndReply(request, key, response, false);
            }
            metrics.servedStale.inc();
            return staleReply(request, cached);
          });
    }
    Message reply = staleReply(request, cached);
    metrics.servedStale.inc();
    refresh(chain, request, key, cached, now, true);
    return CompletableFuture.completedFuture(reply);
  }

  Message staleReply(Request request, CachedAnswer cached) {
    // CoreDNS serves stale entries with TTL 0, except that keepttl keeps the original one.
    return cached.render(request, config.keepTtl() ? cached.originalTtl() : 0, true);
  }

  /**
   * Asks the rest of the chain again in the background, at most once at a time per entry, and
   * stores what comes back; the client's answer never waits for it.
   *
   * @param stale whether {@code cached} has expired; a stale entry is replaced only by a usable
   *     answer (RFC 8767 §4), so a failing upstream leaves it in place
   */
  private void refresh(Chain chain, Request request, CacheKey key, CachedAnswer cached, long now, boolean stale) {
    if (!cached.beginRefresh()) {
      return;
    }
    metrics.prefetches.inc();
    // A query of its own: listeners of the client's query must not see the refresh.
    Request refreshRequest = request.detached(ticker.read());
    CompletionStage<Message> upstream;
    try {
      upstream = chain.proceed(refreshRequest);
    } catch (RuntimeException e) {
      LOG.debug("cache refresh of {} failed", request, e);
      cached.endRefresh();
      return;
    }
    upstream.whenComplete(
        (response, error) -> {
          try {
            if (error != null) {
              LOG.debug("cache refresh of {} failed", request, error);
            } else if (!stale || isRefresh(request, response)) {
              CachedAnswer fresh = store(request, key, response, true);
              if (fresh != null) {
                fresh.inheritHits(cached, now);
              }
            }
          } finally {
            cached.endRefresh();
          }
        });
  }

  /** Whether {@code response} may replace a stale entry: NOERROR or NXDOMAIN, complete, matching. */
  boolean isRefresh(Request request, Message response) {
    if (response == null || response.getHeader().getFlag(Flags.TC) || !Admission.matches(request, response)) {
      return false;
    }
    ResponseKind kind = ResponseKind.of(response, clock.instant());
    if (kind == ResponseKind.OTHER_ERROR || kind == ResponseKind.META || kind == ResponseKind.UPDATE) {
      return false;
    }
    int rcode = response.getRcode();
    return rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN;
  }

  /** Stores {@code response} when it may be cached and returns what the client receives. */
  private Message storeAndReply(Request request, CacheKey key, Message response, boolean refresh) {
    CachedAnswer answer = store(request, key, response, refresh);
    return answer == null ? response : answer.render(request, answer.originalTtl(), false);
  }

  /**
   * Encodes and stores {@code response}; {@code null} when it is not cacheable. A cacheable
   * response in a zone where its cache is disabled is encoded (so the client sees the capped TTL,
   * as with CoreDNS) but not stored.
   */
  private CachedAnswer store(Request request, CacheKey key, Message response, boolean refresh) {
    Admission admission = admit(request, response);
    if (admission.verdict() == Admission.Verdict.QUESTION_MISMATCH) {
      // CoreDNS counts answers whose question differs from the query's as drops.
      metrics.drops.inc();
    }
    if (!admission.encodes()) {
      return null;
    }
    CachedAnswer answer = CachedAnswer.encode(response, admission.kind(), ticker.read(), admission.ttlSeconds());
    if (admission.verdict() == Admission.Verdict.SUCCESS) {
      success.put(key, answer);
      if (refresh) {
        // A refreshed positive answer is the newest state of this key.
        denial.invalidate(key);
      }
    } else if (admission.verdict() == Admission.Verdict.DENIAL) {
      denial.put(key, answer);
    }
    return answer;
  }

  /** What the cache would do with {@code response} to {@code request}; no side effects. */
  Admission admit(Request request, Message response) {
    return Admission.of(request, response, config, clock.instant());
  }

  /** Entries in the positive cache; for tests. */
  long successSize() {
    return success.size();
  }

  CacheConfig config() {
    return config;
  }

  CacheMetrics metrics() {
    return metrics;
  }

  Ticker ticker() {
    return ticker;
  }

  AnswerCache successCache() {
    return success;
  }

  AnswerCache denialCache() {
    return denial;
  }
}
