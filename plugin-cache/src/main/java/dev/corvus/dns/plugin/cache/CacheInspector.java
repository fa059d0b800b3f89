package dev.corvus.dns.plugin.cache;

import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.plugin.Inspector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The {@code cache} topic of the admin endpoint for one {@code cache} directive: its
 * configuration and sizes, the entries cached for a name, and the {@code flush} action. Reading
 * leaves no trace on the eviction policy; flushing removes entries without counting evictions.
 */
final class CacheInspector implements Inspector {

  static final String TOPIC = "cache";
  private static final String FLUSH = "flush";

  private final CacheHandler cache;
  private final String server;

  CacheInspector(CacheHandler cache, String server) {
    this.cache = cache;
    this.server = server;
  }

  @Override
  public String topic() {
    return TOPIC;
  }

  /**
   * Without parameters, the cache's configuration and sizes; with {@code name} (and optionally
   * {@code type}), the entries cached for that name.
   */
  @Override
  public Object inspect(Map<String, String> parameters) {
    String name = parameters.get("name");
    if (name == null) {
      if (parameters.containsKey("type")) {
        throw new IllegalArgumentException("type needs name");
      }
      return overview();
    }
    return lookup(parseName("name", name), parameters.get("type"));
  }

  /**
   * {@code flush} with {@code name=} (every entry of that name) or {@code zone=} (every name at
   * or below it); returns {@code {"flushed": N}}. Whether operators may flush at all is the admin
   * endpoint's decision.
   */
  @Override
  public Object act(String action, Map<String, String> parameters) {
    if (!FLUSH.equals(action)) {
      throw new IllegalArgumentException("cache has no action " + action + " (known: " + FLUSH + ")");
    }
    String name = parameters.get("name");
    String zone = parameters.get("zone");
    if ((name == null) == (zone == null)) {
      throw new IllegalArgumentException("flush needs exactly one of name= or zone=");
    }
    Predicate<CacheKey> matching;
    if (name != null) {
      Name flushed = parseName("name", name);
      matching = key -> key.name().equals(flushed);
    } else {
      Name flushed = parseName("zone", zone);
      matching = key -> key.name().subdomain(flushed);
    }
    int removed = cache.successCache().removeIf(matching) + cache.denialCache().removeIf(matching);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("flushed", removed);
    return result;
  }

  private Map<String, Object> overview() {
    CacheConfig config = cache.config();
    Map<String, Object> state = identity();
    state.put("success", tier(config.success(), cache.successCache(), config.successDisabledZones()));
    state.put("denial", tier(config.denial(), cache.denialCache(), config.denialDisabledZones()));
    state.put("servfailTtlSeconds", config.servfailTtl().toSeconds());
    state.put("prefetch", config.prefetch().map(prefetch -> {
      Map<String, Object> settings = new LinkedHashMap<>();
      settings.put("amount", prefetch.amount());
      settings.put("windowSeconds", prefetch.window().toSeconds());
      settings.put("percentage", prefetch.percentage());
      return (Object) settings;
    }).orElse(null));
    state.put("serveStale", config.serveStale().map(serveStale -> {
      Map<String, Object> settings = new LinkedHashMap<>();
      settings.put("maxStaleSeconds", serveStale.maxStale().toSeconds());
      settings.put("mode", serveStale.verify() ? "verify" : "immediate");
      return (Object) settings;
    }).orElse(null));
    state.put("keepttl", config.keepTtl());
    return state;
  }

  private static Map<String, Object> tier(CacheConfig.Tier tier, AnswerCache answers, List<Name> disabledZones) {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("capacity", answers.capacity());
    state.put("entries", answers.size());
    state.put("maxTtlSeconds", tier.maxTtl().toSeconds());
    state.put("minTtlSeconds", tier.minTtl().toSeconds());
    state.put("disabledZones", zoneTexts(disabledZones));
    return state;
  }

  private Map<String, Object> lookup(Name name, String typeText) {
    long now = cache.ticker().read();
    List<Map<String, Object>> entries = new ArrayList<>();
    if (typeText != null) {
      int type = parseType(typeText);
      // A known type needs only the four DO/CD variants of the key, no scan.
      for (boolean dnssecOk : new boolean[] {false, true}) {
        for (boolean checkingDisabled : new boolean[] {false, true}) {
          CacheKey key = new CacheKey(name, type, DClass.IN, dnssecOk, checkingDisabled);
          addEntry(entries, CacheMetrics.SUCCESS, key, cache.successCache().peek(key), now);
          addEntry(entries, CacheMetrics.DENIAL, key, cache.denialCache().peek(key), now);
        }
      }
    } else {
      cache.successCache().forEach((key, answer) -> {
        if (key.name().equals(name)) {
          addEntry(entries, CacheMetrics.SUCCESS, key, answer, now);
        }
      });
      cache.denialCache().forEach((key, answer) -> {
        if (key.name().equals(name)) {
          addEntry(entries, CacheMetrics.DENIAL, key, answer, now);
        }
      });
    }
    Map<String, Object> result = identity();
    result.put("name", Names.lowerCase(name));
    result.put("entries", entries);
    return result;
  }

  private void addEntry(List<Map<String, Object>> entries, String which, CacheKey key, CachedAnswer answer, long now) {
    if (answer == null) {
      return;
    }
    long remaining = answer.remainingTtl(now);
    long served = cache.config().keepTtl() ? answer.originalTtl() : Math.max(remaining, 0);
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("cache", which);
    entry.put("type", Type.string(key.type()));
    entry.put("class", DClass.string(key.dclass()));
    entry.put("kind", answer.kind().name());
    entry.put("rcode", Rcode.string(answer.rcode()));
    entry.put("remainingTtlSeconds", Math.max(remaining, 0));
    entry.put("originalTtlSeconds", answer.originalTtl());
    entry.put("stale", remaining <= 0);
    entry.put("staleBySeconds", Math.max(-remaining, 0));
    entry.put("dnssecOk", key.dnssecOk());
    entry.put("checkingDisabled", key.checkingDisabled());
    List<List<String>> sections = answer.recordTexts(served);
    entry.put("answer", sections.get(0));
    entry.put("authority", sections.get(1));
    entry.put("additional", sections.get(2));
    entries.add(entry);
  }

  private Map<String, Object> identity() {
    Map<String, Object> identity = new LinkedHashMap<>();
    identity.put("server", server);
    identity.put("zones", zoneTexts(cache.config().zones()));
    return identity;
  }

  private static List<String> zoneTexts(List<Name> zones) {
    return zones.stream().map(Names::lowerCase).toList();
  }

  private static Name parseName(String parameter, String text) {
    try {
      return Names.zone(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(parameter + " is not a valid domain name: " + text, e);
    }
  }

  private static int parseType(String text) {
    int type = Type.value(text.toUpperCase(Locale.ROOT), true);
    if (type < 0) {
      throw new IllegalArgumentException("type is not a DNS type: " + text);
    }
    return type;
  }
}
