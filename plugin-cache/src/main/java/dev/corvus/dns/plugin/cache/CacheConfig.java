package dev.corvus.dns.plugin.cache;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.xbill.DNS.Name;

/**
 * The validated configuration of one {@code cache} directive.
 *
 * @param zones the zones whose answers are cached (lower case, absolute)
 * @param success the positive cache: NOERROR answers and delegations
 * @param denial the negative cache: NXDOMAIN, NODATA and cached SERVFAIL
 * @param prefetch when popular entries are refreshed before they expire; empty when off
 * @param serveStale how expired entries may still be served; empty when off
 * @param servfailTtl how long SERVFAIL (and NOTIMP) answers are cached; zero disables it
 * @param successDisabledZones zones whose positive answers are never cached
 * @param denialDisabledZones zones whose negative answers are never cached
 * @param keepTtl whether answers keep their original TTL instead of counting down
 */
record CacheConfig(
    List<Name> zones,
    Tier success,
    Tier denial,
    Optional<Prefetch> prefetch,
    Optional<ServeStale> serveStale,
    Duration servfailTtl,
    List<Name> successDisabledZones,
    List<Name> denialDisabledZones,
    boolean keepTtl) {

  /** CoreDNS's capacity of each cache: 256 shards of 39 entries. */
  static final int DEFAULT_CAPACITY = 9984;
  /** CoreDNS's cap for positive answers. */
  static final Duration DEFAULT_SUCCESS_MAX_TTL = Duration.ofHours(1);
  /** CoreDNS's cap for denials: half the positive one. */
  static final Duration DEFAULT_DENIAL_MAX_TTL = Duration.ofMinutes(30);
  /** CoreDNS's floor for both caches. */
  static final Duration DEFAULT_MIN_TTL = Duration.ofSeconds(5);
  /** CoreDNS's SERVFAIL caching time. */
  static final Duration DEFAULT_SERVFAIL_TTL = Duration.ofSeconds(5);
  /** RFC 2308 §7.1: SERVFAIL must not be cached for longer than five minutes. */
  static final Duration MAX_SERVFAIL_TTL = Duration.ofMinutes(5);

  CacheConfig {
    zones = List.copyOf(zones);
    Objects.requireNonNull(success, "success");
    Objects.requireNonNull(denial, "denial");
    Objects.requireNonNull(prefetch, "prefetch");
    Objects.requireNonNull(serveStale, "serveStale");
    Objects.requireNonNull(servfailTtl, "servfailTtl");
    successDisabledZones = List.copyOf(successDisabledZones);
    denialDisabledZones = List.copyOf(denialDisabledZones);
  }

  /**
   * One of the two caches.
   *
   * @param capacity the most entries it holds before evicting
   * @param maxTtl the longest an answer is cached, whatever its records say
   * @param minTtl the shortest an answer is cached, whatever its records say
   */
  record Tier(int capacity, Duration maxTtl, Duration minTtl) {
    Tier {
      if (capacity < 1) {
        throw new IllegalArgumentException("capacity must be positive: " + capacity);
      }
      Objects.requireNonNull(maxTtl, "maxTtl");
      Objects.requireNonNull(minTtl, "minTtl");
    }

    Tier withCapacity(int newCapacity) {
      return new Tier(newCapacity, maxTtl, minTtl);
    }

    Tier withMaxTtl(Duration newMaxTtl) {
      return new Tier(capacity, newMaxTtl, minTtl);
    }

    Tier withMinTtl(Duration newMinTtl) {
      return new Tier(capacity, maxTtl, newMinTtl);
    }
  }

  /**
   * CoreDNS's prefetch: an entry asked for {@code amount} times without a gap of {@code window}
   * is refreshed once its remaining TTL drops to {@code percentage} of its original TTL.
   */
  record Prefetch(int amount, Duration window, int percentage) {
    static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
    static final int DEFAULT_PERCENTAGE = 10;
  }

  /**
   * RFC 8767 serve-stale.
   *
   * @param maxStale how long after expiry an entry may still be served
   * @param verify {@code true} for {@code verify} (ask upstream first, stale only when it fails),
   *     {@code false} for {@code immediate} (answer stale at once, refresh in the background)
   */
  record ServeStale(Duration maxStale, boolean verify) {
    static final Duration DEFAULT_MAX_STALE = Duration.ofHours(1);
  }
}
