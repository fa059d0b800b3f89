package dev.corvus.dns.server.plugin;

import dev.corvus.dns.api.plugin.Placement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The chain order of every known directive: CoreDNS's {@code plugin.cfg} for its own directives,
 * and for the others the place their factories declare relative to a named directive.
 */
public final class DirectiveOrder {

  private final Map<String, Integer> rank;

  private DirectiveOrder(List<String> ordered) {
    Map<String, Integer> ranks = new LinkedHashMap<>();
    for (String directive : ordered) {
      ranks.put(directive, ranks.size());
    }
    this.rank = Map.copyOf(ranks);
  }

  /**
   * Orders the directives of {@code factories}.
   *
   * @throws PluginLoadingException when a placement names an unknown directive, forms a cycle, or
   *     claims a standard place that CoreDNS does not have
   */
  public static DirectiveOrder of(Collection<LoadedFactory> factories) throws PluginLoadingException {
    Map<String, LoadedFactory> relative = new TreeMap<>();
    for (LoadedFactory loaded : factories) {
      Placement placement = loaded.factory().placement();
      if (placement.relation() == Placement.Relation.STANDARD) {
        if (!CorednsOrder.DIRECTIVES.contains(loaded.directive())) {
          throw new PluginLoadingException(loaded.origin() + ": directive '" + loaded.directive()
              + "' is not one of CoreDNS's; its factory must declare Placement.before or"
              + " Placement.after a named directive");
        }
      } else {
        relative.put(loaded.directive(), loaded);
      }
    }
    List<String> ordered = new ArrayList<>(CorednsOrder.DIRECTIVES);
    Set<String> visiting = new HashSet<>();
    Map<String, Boolean> placed = new HashMap<>();
    for (String directive : relative.keySet()) {
      place(directive, relative, ordered, visiting, placed);
    }
    return new DirectiveOrder(ordered);
  }

  private static void place(String directive, Map<String, LoadedFactory> relative,
      List<String> ordered, Set<String> visiting, Map<String, Boolean> placed)
      throws PluginLoadingException {
    if (placed.containsKey(directive)) {
      return;
    }
    LoadedFactory loaded = relative.get(directive);
    Placement placement = loaded.factory().placement();
    String anchor = placement.anchor();
    if (!visiting.add(directive)) {
      throw new PluginLoadingException(loaded.origin() + ": directive '" + directive
          + "' is placed in a cycle of before/after declarations");
    }
    if (relative.containsKey(anchor)) {
      place(anchor, relative, ordered, visiting, placed);
    } else if (!ordered.contains(anchor)) {
      throw new PluginLoadingException(loaded.origin() + ": directive '" + directive
          + "' is placed " + placement + ", but no directive '" + anchor + "' exists");
    }
    int at = ordered.indexOf(anchor);
    ordered.add(placement.relation() == Placement.Relation.BEFORE ? at : at + 1, directive);
    visiting.remove(directive);
    placed.put(directive, Boolean.TRUE);
  }

  /** The position of {@code directive} in the chain (lower runs first); -1 when unknown. */
  public int rank(String directive) {
    return rank.getOrDefault(directive, -1);
  }
}
