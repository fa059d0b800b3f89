package dev.corvus.dns.plugin.kubernetes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes label selector in its string form ({@code app=web,tier!=db,env in (a,b),!legacy}),
 * parsed once so that a typo fails at configuration time; its text goes to the API server and its
 * {@link #matches} filters the offline source.
 *
 * @param text the selector as the API server receives it
 * @param requirements the parsed requirements, all of which must hold
 */
record LabelSelector(String text, List<Requirement> requirements) {

  private static final String KEY = "([A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?)";
  private static final String VALUE = "([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?";
  private static final Pattern EQUALITY =
      Pattern.compile(KEY + "\\s*(==|=|!=)\\s*" + VALUE);
  private static final Pattern SET =
      Pattern.compile(KEY + "\\s+(in|notin)\\s*\\(([^)]*)\\)");
  private static final Pattern EXISTS = Pattern.compile("(!?)\\s*" + KEY);
  private static final Pattern SET_VALUE = Pattern.compile(VALUE);

  /** How a requirement compares a label. */
  enum Operator {
    IN,
    NOT_IN,
    EXISTS,
    DOES_NOT_EXIST
  }

  /** One requirement of a selector. */
  record Requirement(String key, Operator operator, Set<String> values) {
    boolean matches(Map<String, String> labels) {
      String value = labels.get(key);
      return switch (operator) {
        case IN -> value != null && values.contains(value);
        case NOT_IN -> value == null || !values.contains(value);
        case EXISTS -> value != null;
        case DOES_NOT_EXIST -> value == null;
      };
    }
  }

  LabelSelector {
    requirements = List.copyOf(requirements);
  }

  /**
   * Parses a selector.
   *
   * @throws IllegalArgumentException naming the requirement that does not parse
   */
  static LabelSelector parse(String text) {
    List<Requirement> requirements = new ArrayList<>();
    for (String part : splitRequirements(text)) {
      String requirement = part.trim();
      if (requirement.isEmpty()) {
        throw new IllegalArgumentException("empty requirement in label selector '" + text + "'");
      }
      requirements.add(parseRequirement(requirement, text));
    }
    if (requirements.isEmpty()) {
      throw new IllegalArgumentException("empty label selector");
    }
    return new LabelSelector(text.trim(), requirements);
  }

  private static Requirement parseRequirement(String requirement, String text) {
    Matcher m = SET.matcher(requirement);
    if (m.matches()) {
      Set<String> values = new java.util.LinkedHashSet<>();
      for (String value : m.group(4).split(",")) {
        String trimmed = value.trim();
        if (!SET_VALUE.matcher(trimmed).matches()) {
          throw invalid(requirement, text);
        }
        values.add(trimmed);
      }
      Operator operator = m.group(3).equals("in") ? Operator.IN : Operator.NOT_IN;
      return new Requirement(m.group(1), operator, Set.copyOf(values));
    }
    m = EQUALITY.matcher(requirement);
    if (m.matches()) {
      String value = m.group(4) == null ? "" : m.group(4);
      Operator operator = m.group(3).equals("!=") ? Operator.NOT_IN : Operator.IN;
      return new Requirement(m.group(1), operator, Set.of(value));
    }
    m = EXISTS.matcher(requirement);
    if (m.matches()) {
      Operator operator = m.group(1).isEmpty() ? Operator.EXISTS : Operator.DOES_NOT_EXIST;
      return new Requirement(m.group(2), operator, Set.of());
    }
    throw invalid(requirement, text);
  }

  private static IllegalArgumentException invalid(String requirement, String text) {
    return new IllegalArgumentException(
        "unable to parse requirement '" + requirement + "' of label selector '" + text + "'");
  }

  /** Splits at the commas that are not inside a value set's parentheses. */
  private static List<String> splitRequirements(String text) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(text.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(text.substring(start));
    return parts;
  }

  /** Whether an object with {@code labels} is selected. */
  boolean matches(Map<String, String> labels) {
    Map<String, String> present = labels == null ? Map.of() : labels;
    for (Requirement requirement : requirements) {
      if (!requirement.matches(present)) {
        return false;
      }
    }
    return true;
  }
}
