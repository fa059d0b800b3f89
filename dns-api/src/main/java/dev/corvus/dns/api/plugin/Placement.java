package dev.corvus.dns.api.plugin;

import java.util.Objects;

/**
 * Where a directive's handler stands in the chain.
 *
 * @param relation {@link Relation#STANDARD}, {@link Relation#BEFORE} or {@link Relation#AFTER}
 * @param anchor the directive it is placed next to; {@code null} for {@link Relation#STANDARD}
 */
public record Placement(Relation relation, String anchor) {

  /** How a directive is placed. */
  public enum Relation {
    /** At the directive's own place in CoreDNS's {@code plugin.cfg}. */
    STANDARD,
    /** Immediately before the anchor directive (it runs first). */
    BEFORE,
    /** Immediately after the anchor directive. */
    AFTER
  }

  /** Validates the pair. */
  public Placement {
    Objects.requireNonNull(relation, "relation");
    if ((relation == Relation.STANDARD) != (anchor == null)) {
      throw new IllegalArgumentException("a standard placement has no anchor, the others need one");
    }
  }

  /** The directive's place in CoreDNS's {@code plugin.cfg}; only CoreDNS's own directives. */
  public static Placement standard() {
    return new Placement(Relation.STANDARD, null);
  }

  /** Runs before {@code directive}. */
  public static Placement before(String directive) {
    return new Placement(Relation.BEFORE, directive);
  }

  /** Runs after {@code directive}. */
  public static Placement after(String directive) {
    return new Placement(Relation.AFTER, directive);
  }

  @Override
  public String toString() {
    return relation == Relation.STANDARD ? "plugin.cfg" : relation.name().toLowerCase() + " " + anchor;
  }
}
