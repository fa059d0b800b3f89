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
}
