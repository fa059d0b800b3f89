package dev.corvus.dns.plugin.cache;

import dev.corvus.dns.api.Request;
import org.xbill.DNS.Name;

/**
 * What a cached answer is filed under. dnsjava's {@link Name} compares and hashes
 * case-insensitively, so {@code WWW.example.org} and {@code www.example.org} share an entry; the
 * DO and CD bits keep DNSSEC-aware and unaware answers apart, as in CoreDNS.
 */
record CacheKey(Name name, int type, int dclass, boolean dnssecOk, boolean checkingDisabled) {

  static CacheKey of(Request request) {
    return new CacheKey(
        request.qname(), request.qtype(), request.qclass(), request.dnssecOk(), request.checkingDisabled());
  }

  // Written out rather than a record's generated methods: every hit hashes and compares a key, the
  // cheap fields first and the name (case-insensitive, its hash cached by dnsjava) last.
  @Override
  public boolean equals(Object other) {
    return other instanceof CacheKey key && type == key.type && dclass == key.dclass && dnssecOk == key.dnssecOk
        && checkingDisabled == key.checkingDisabled && name.equals(key.name);
  }

  @Override
  public int hashCode() {
    return ((name.hashCode() * 31 + type) * 31 + dclass) * 4 + (dnssecOk ? 2 : 0) + (checkingDisabled ? 1 : 0);
  }
}
