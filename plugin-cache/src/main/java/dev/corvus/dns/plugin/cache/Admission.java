package dev.corvus.dns.plugin.cache;

import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.Request;
import java.time.Instant;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * What the cache does with a response to a query: which cache stores it and for how long, or why
 * it is not stored. Deciding has no side effects, so explanations ask the same question as real
 * queries.
 *
 * @param verdict the decision
 * @param kind the response's classification; {@code null} for a truncated or missing response
 * @param ttlSeconds how long it is cached (capped and floored); 0 when it is not encoded
 */
record Admission(Verdict verdict, ResponseKind kind, long ttlSeconds) {

  /** The possible decisions. */
  enum Verdict {
    /** Stored in the positive cache. */
    SUCCESS,
    /** Stored in the negative cache. */
    DENIAL,
    /** Cacheable, but positive caching is disabled for the name's zone; served with the capped TTL. */
    SUCCESS_DISABLED,
    /** Cacheable, but negative caching is disabled for the name's zone; served with the capped TTL. */
    DENIAL_DISABLED,
    /** No response, or a truncated one. */
    TRUNCATED,
    /** A kind of response the cache never keeps. */
    NOT_CACHEABLE,
    /** The response's question is not the query's; CoreDNS counts these as drops. */
    QUESTION_MISMATCH,
    /** Its cache time is zero (e.g. {@code servfail 0}). */
    NO_TTL
  }

  private static final Admission TRUNCATED = new Admission(Verdict.TRUNCATED, null, 0);

  /** Decides what happens to {@code response} to {@code request} under {@code config} at {@code now}. */
  static Admission of(Request request, Message response, CacheConfig config, Instant now) {
    if (response == null || response.getHeader().getFlag(Flags.TC)) {
      return TRUNCATED;
    }
    ResponseKind kind = ResponseKind.of(response, now);
    if (!isCacheable(kind, response)) {
      return new Admission(Verdict.NOT_CACHEABLE, kind, 0);
    }
    if (!matches(request, response)) {
      return new Admission(Verdict.QUESTION_MISMATCH, kind, 0);
    }
    long ttl = CacheTtl.of(kind, response, config);
    if (ttl <= 0) {
      return new Admission(Verdict.NO_TTL, kind, 0);
    }
    Name name = request.qname();
    if (kind.isPositive()) {
      boolean disabled = Names.inAny(name, config.successDisabledZones());
      return new Admission(disabled ? Verdict.SUCCESS_DISABLED : Verdict.SUCCESS, kind, ttl);
    }
    boolean disabled = Names.inAny(name, config.denialDisabledZones());
    return new Admission(disabled ? Verdict.DENIAL_DISABLED : Verdict.DENIAL, kind, ttl);
  }

  /** Whether the response is encoded for the client (with the capped TTL), stored or not. */
  boolean encodes() {
    return ttlSeconds > 0;
  }

  /** Whether the response goes into a cache. */
  boolean stores() {
    return verdict == Verdict.SUCCESS || verdict == Verdict.DENIAL;
  }

  /**
   * What an explanation says about it, e.g. {@code the answer would be cached for 30 s (success)}.
   * Only for explanations: it builds strings.
   */
  String describe(Request request, Message response, CacheConfig config) {
    return switch (verdict) {
      case SUCCESS -> "the answer would be cached for " + ttlSeconds + " s (success)";
      case DENIAL -> "the answer would be cached for " + ttlSeconds + " s (denial, " + kindName(response) + ")";
      case SUCCESS_DISABLED -> "the answer would not be cached: success disabled for zone "
          + Names.longestMatch(request.qname(), config.successDisabledZones());
      case DENIAL_DISABLED -> "the answer would not be cached: denial disabled for zone "
          + Names.longestMatch(request.qname(), config.denialDisabledZones());
      case TRUNCATED -> "the answer would not be cached: " + (response == null ? "no response" : "truncated");
      case NOT_CACHEABLE -> "the answer would not be cached: " + notCacheableReason(response);
      case QUESTION_MISMATCH -> "the answer would not be cached: its question differs from the query's"
          + " (a real query counts a drop)";
      case NO_TTL -> "the answer would not be cached: "
          + (kind == ResponseKind.SERVER_ERROR ? Rcode.string(response.getRcode()) + " (servfail 0)" : "TTL 0");
    };
  }

  private String kindName(Message response) {
    return switch (kind) {
      case NAME_ERROR -> "NXDOMAIN";
      case NO_DATA -> "NODATA";
      default -> Rcode.string(response.getRcode());
    };
  }

  private String notCacheableReason(Message response) {
    int rcode = response.getRcode();
    return switch (kind) {
      case NO_ERROR -> "its CNAME chain does not reach the queried type and it has no SOA";
      case NAME_ERROR -> "NXDOMAIN without SOA (RFC 2308 §5)";
      case META -> "zone transfer or NOTIFY";
      case UPDATE -> "dynamic update";
      default -> rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN
          ? Rcode.string(rcode) + " with expired RRSIGs or NXDOMAIN with answers"
          : Rcode.string(rcode);
    };
  }

  private static boolean isCacheable(ResponseKind kind, Message response) {
    return switch (kind) {
      case NO_ERROR -> ResponseKind.hasSoa(response) || !ResponseKind.isNoDataWithAnswers(response);
      case NAME_ERROR -> ResponseKind.hasSoa(response); // RFC 2308 §5: no SOA, no negative caching
      case NO_DATA, DELEGATION, SERVER_ERROR -> true;
      default -> false;
    };
  }

  /** Whether {@code response} answers the query's question (CoreDNS's {@code request.Match}). */
  static boolean matches(Request request, Message response) {
    if (!response.getHeader().getFlag(Flags.QR) || response.getHeader().getCount(Section.QUESTION) != 1) {
      return false;
    }
    Record question = response.getQuestion();
    return question.getName().equals(request.qname())
        && question.getType() == request.qtype()
        && question.getDClass() == request.qclass();
  }
}
