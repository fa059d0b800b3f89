package dev.corvus.dns.plugin.file;

import dev.corvus.dns.api.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.Name;

/**
 * The zones a handler answers from, by origin, each replaced as a whole (a reload, a transfer) so
 * that a query sees the old or the new copy, never a mix. Shared by {@code file}, {@code auto} and
 * {@code secondary}.
 */
public final class ZoneTable {

  private final Map<Name, ZoneData> zones = new ConcurrentHashMap<>();

  /** Serves {@code zone} from now on, in place of any earlier copy of its origin. */
  public void put(ZoneData zone) {
    zones.put(zone.origin(), zone);
  }

  /** Stops serving {@code origin}. */
  public void remove(Name origin) {
    zones.remove(origin);
  }

  /** The copy of {@code origin} served now, or {@code null}. */
  public ZoneData zone(Name origin) {
    return zones.get(origin);
  }

  /** The origin of the zone that holds {@code name} (the longest match), or {@code null}. */
  Name originOf(Name name) {
    return zones.isEmpty() ? null : Names.longestMatch(name, zones.keySet());
  }

  /** The origins served now. */
  public List<Name> origins() {
    return new ArrayList<>(zones.keySet());
  }
}
