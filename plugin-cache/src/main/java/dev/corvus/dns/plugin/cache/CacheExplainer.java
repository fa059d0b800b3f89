package dev.corvus.dns.plugin.cache;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.Request;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * The cache's part of {@code corvus explain}: answers exactly as a real query would be answered,
 * but leaves no trace (no insert, no recency or frequency update, no metric, no prefetch or
 * serve-stale refresh) and says what it found with {@link Chain#note}.
 */
final class CacheExplainer {

  private static final String NOT_DONE = " (not done: explanation)";

  private final CacheHandler cache;

  CacheExplainer(CacheHandler cache) {
    this.cache = cache;
  }

  /** Notes why a query the cache does not handle is passed on untouched. */
  void explainBypass(Chain chain, Request request) {
    CacheConfig config = cache.config();
    if (!Names.inAny(request.qname(), config.zones())) {
      chain.note("zone not cached: passed on");
    } else {
      chain.note("query not cacheable (opcode, QR/TC flags, question count or zone transfer): passed on");
    }
  }

  /** Explains a query in the cache's zones: a hit, a stale entry or a miss. */
  CompletionStage<Message> explain(Chain chain, Request request) {
    CacheConfig config = cache.config();
    long now = cache.ticker().read();
    CachedAnswer cached = cache.find(CacheKey.of(request), now, true);
    if (cached == null) {
      return miss(chain, request);
    }
    long ttl = cached.remainingTtl(now);
    if (ttl <= 0) {
      return stale(chain, request, cached, -ttl);
    }
    long servedTtl = config.keepTtl() ? cached.originalTtl() : ttl;
    chain.note("hit (" + source(cached) + "), remaining ttl " + ttl + " s of " + cached.originalTtl() + " s"
        + (config.keepTtl() ? "; keepttl: answered with ttl " + servedTtl : ""));
    config.prefetch().ifPresent(prefetch -> chain.note(prefetchNote(prefetch, cached, now, ttl)));
    return CompletableFuture.completedFuture(cached.render(request, servedTtl, true));
  }

  private CompletionStage<Message> miss(Chain chain, Request request) {
    return chain.proceed(request).handle((response, failure) -> {
      if (failure != null) {
        chain.note("miss: passed on; the rest of the chain failed, nothing would be cached");
        throw propagate(failure);
      }
      Admission admission = cache.admit(request, response);
      chain.note("miss: passed on; " + admission.describe(request, response, cache.config()));
      return reply(request, response, admission);
    });
  }

  private CompletionStage<Message> stale(Chain chain, Request request, CachedAnswer cached, long staleBy) {
    CacheConfig.ServeStale serveStale = cache.config().serveStale().orElseThrow();
    String entry = "stale by " + staleBy + " s (" + source(cached) + ")";
    if (!serveStale.verify()) {
      chain.note(entry + ", serve_stale immediate: would answer stale and refresh in background" + NOT_DONE);
      return CompletableFuture.completedFuture(cache.staleReply(request, cached));
    }
    chain.note(entry + ", serve_stale verify: asking the rest of the chain first");
    CompletionStage<Message> upstream;
    try {
      upstream = chain.proceed(request);
    } catch (RuntimeException e) {
      upstream = CompletableFuture.failedFuture(e);
    }
    return upstream.handle((response, failure) -> {
      if (failure == null && cache.isRefresh(request, response)) {
        Admission admission = cache.admit(request, response);
        chain.note("the rest of the chain answered " + Rcode.string(response.getRcode())
            + ": would replace the stale entry; " + admission.describe(request, response, cache.config()));
        return reply(request, response, admission);
      }
      chain.note((failure != null ? "the rest of the chain failed" : "the rest of the chain answered "
          + Rcode.string(response.getRcode())) + ": would answer stale");
      return cache.staleReply(request, cached);
    });
  }

  /** The reply a real miss would send: the encoded answer with its cache TTL, or the response as is. */
  private static Message reply(Request request, Message response, Admission admission) {
    if (!admission.encodes()) {
      return response;
    }
    CachedAnswer encoded = CachedAnswer.encode(response, admission.kind(), 0, admission.ttlSeconds());
    return encoded.render(request, admission.ttlSeconds(), false);
  }

  private static String source(CachedAnswer cached) {
    return switch (cached.kind()) {
      case NAME_ERROR -> "denial cache, NXDOMAIN";
      case NO_DATA -> "denial cache, NODATA";
      case SERVER_ERROR -> "denial cache, " + Rcode.string(cached.rcode());
      case DELEGATION -> "success cache, delegation";
      default -> "success cache";
    };
  }

  private static String prefetchNote(CacheConfig.Prefetch prefetch, CachedAnswer cached, long now, long ttl) {
    int hits = cached.peekHit(now, prefetch.window().toNanos());
    long threshold = (long) Math.ceil(prefetch.percentage() / 100.0 * cached.originalTtl());
    String state = "prefetch: " + hits + " of " + prefetch.amount() + " queries within "
        + prefetch.window().toSeconds() + " s, refresh at ttl <= " + threshold + " s";
    return hits >= prefetch.amount() && ttl <= threshold
        ? state + ": would refresh in background" + NOT_DONE
        : state + ": no refresh due";
  }

  private static RuntimeException propagate(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
    return cause instanceof RuntimeException runtime
        ? runtime
        : new CompletionException(cause);
  }
}
