package dev.corvus.dns.plugin.kubernetes;

import dev.corvus.dns.api.plugin.Inspector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code search-paths} inspector topic: the names pods ask most often through their search
 * path before the real name ({@link SearchPathRule}), with the client's namespace and count, most
 * first. {@code ?limit=N} (default 20) bounds the list.
 */
final class SearchPathInspector implements Inspector {

  static final int DEFAULT_LIMIT = 20;

  private final KubernetesConfig config;
  private final String server;
  private final SearchPathTracker tracker;

  SearchPathInspector(KubernetesConfig config, String server, SearchPathTracker tracker) {
    this.config = config;
    this.server = server;
    this.tracker = tracker;
  }

  @Override
  public String topic() {
    return "search-paths";
  }

  @Override
  public Object inspect(Map<String, String> parameters) {
    int limit = limit(parameters.get("limit"));
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("server", server);
    state.put("zones", KubernetesInspector.zoneNames(config.zones()));
    state.put("tracked", tracker.tracked());
    List<Object> offenders = new ArrayList<>();
    for (SearchPathTracker.Offender offender : tracker.top(limit)) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("namespace", offender.namespace());
      entry.put("name", offender.name());
      entry.put("count", offender.count());
      offenders.add(entry);
    }
    state.put("top", offenders);
    return state;
  }

  private static int limit(String text) {
    if (text == null || text.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(text);
      if (limit < 1) {
        throw new IllegalArgumentException("limit must be at least 1, got " + text);
      }
      return limit;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("limit must be a number, got \"" + text + "\"", e);
    }
  }
}
