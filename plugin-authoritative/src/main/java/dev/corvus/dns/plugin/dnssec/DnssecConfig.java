package dev.corvus.dns.plugin.dnssec;

import java.util.List;
import org.xbill.DNS.Name;

/**
 * The validated {@code dnssec} directive.
 *
 * @param zones the zones whose answers are signed
 * @param keys the signing keys
 * @param cacheCapacity how many signature sets are kept
 */
record DnssecConfig(List<Name> zones, List<KeyPair> keys, int cacheCapacity) {

  static final int DEFAULT_CACHE_CAPACITY = 10_000;

  DnssecConfig {
    zones = List.copyOf(zones);
    keys = List.copyOf(keys);
  }

  /**
   * CoreDNS's split mode: with at least one key with the SEP bit and one without, DNSKEY RRsets are
   * signed by the former and everything else by the latter; otherwise every key signs everything.
   */
  boolean splitKeys() {
    return keys.stream().anyMatch(KeyPair::isKeySigningKey) && keys.stream().anyMatch(k -> !k.isKeySigningKey());
  }
}
