package dev.corvus.dns.plugin.file;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Answers from the loaded zones; the zone whose origin is the longest suffix of the query name
 * answers it. Zone transfers are refused: Corvus has no {@code transfer} directive yet, and
 * CoreDNS's {@code file} refuses them without one.
 */
final class FileHandler implements Handler {

  private final FileConfig config;
  private final Map<Name, ZoneData> zones;

  FileHandler(FileConfig config, Map<Name, ZoneData> zones) {
    this.config = config;
    this.zones = new ConcurrentHashMap<>(zones);
  }

  /** Swaps in a reloaded zone; queries see the old or the new one, never a mix. */
  void replace(ZoneData zone) {
    zones.put(zone.origin(), zone);
  }

  ZoneData zone(Name origin) {
    return zones.get(origin);
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    Name origin = Names.longestMatch(request.qname(), zones.keySet());
    if (origin == null) {
      // CoreDNS: an authoritative server with nothing after it refuses foreign names
      return chain.hasNext() ? chain.proceed(request) : Responses.completedError(request, Rcode.REFUSED);
    }
    if (request.qtype() == Type.AXFR || request.qtype() == Type.IXFR) {
      return Responses.completedError(request, Rcode.REFUSED);
    }
    ZoneLookup.Result result = ZoneLookup.lookup(zones.get(origin), request);
    if (result.outcome() == ZoneLookup.Outcome.NXDOMAIN && config.fallthrough().covers(request.qname())) {
      return chain.proceed(request);
    }
    return Responses.completed(result.response());
  }
}
