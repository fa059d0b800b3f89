package dev.corvus.dns.conformance;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Outcomes per directive and transport, printed as a table when the suite ends. */
final class PassCounts {

  /** What became of one case on one transport, or of one excluded Go test function. */
  enum Outcome { PASSED, DEVIATION, FAILED, EXCLUDED }

  private final Map<String, Map<String, EnumMap<Outcome, Integer>>> counts = new ConcurrentHashMap<>();
  private final Map<String, Integer> excludedFunctions = new ConcurrentHashMap<>();
  /** directive, then reason, then what was left out under it (in order of appearance). */
  private final Map<String, Map<String, java.util.Set<String>>> exclusions = new TreeMap<>();

  synchronized void record(String directive, String transport, Outcome outcome) {
    counts.computeIfAbsent(directive, d -> new TreeMap<>())
        .computeIfAbsent(transport, t -> new EnumMap<>(Outcome.class))
        .merge(outcome, 1, Integer::sum);
  }

  synchronized void excludedFunction(String directive) {
    excludedFunctions.merge(directive, 1, Integer::sum);
  }

  /** Notes what was left out and why, for the list of exclusions. */
  synchronized void exclusion(String directive, String what, String reason) {
    exclusions.computeIfAbsent(directive, d -> new java.util.LinkedHashMap<>())
        .computeIfAbsent(reason, r -> new java.util.LinkedHashSet<>())
        .add(what);
  }

  /** The exclusions as Markdown: per directive, each reason with what it covers. */
  synchronized String exclusionList() {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, Map<String, java.util.Set<String>>> directive : exclusions.entrySet()) {
      out.append("\n### ").append(directive.getKey()).append("\n\n");
      for (Map.Entry<String, java.util.Set<String>> reason : directive.getValue().entrySet()) {
        out.append("- ").append(reason.getKey()).append(": ")
            .append(String.join(", ", reason.getValue())).append("\n");
      }
    }
    return out.toString();
  }

  /** A Markdown table: per directive and transport, passed (deviations among them), failed, excluded. */
  synchronized String table() {
    StringBuilder out = new StringBuilder();
    out.append("| directive | transport | passed | of which deviations | failed | excluded cases | excluded Go tests |\n");
    out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
    int[] total = new int[5];
    Map<String, Map<String, EnumMap<Outcome, Integer>>> sorted = new TreeMap<>(counts);
    for (String directive : excludedFunctions.keySet()) {
      sorted.computeIfAbsent(directive, d -> new TreeMap<>());
    }
    for (Map.Entry<String, Map<String, EnumMap<Outcome, Integer>>> directive : sorted.entrySet()) {
      boolean first = true;
      for (Map.Entry<String, EnumMap<Outcome, Integer>> transport : directive.getValue().entrySet()) {
        EnumMap<Outcome, Integer> c = transport.getValue();
        int passed = c.getOrDefault(Outcome.PASSED, 0) + c.getOrDefault(Outcome.DEVIATION, 0);
        int functions = first ? excludedFunctions.getOrDefault(directive.getKey(), 0) : 0;
        out.append("| ").append(directive.getKey()).append(" | ").append(transport.getKey())
            .append(" | ").append(passed)
            .append(" | ").append(c.getOrDefault(Outcome.DEVIATION, 0))
            .append(" | ").append(c.getOrDefault(Outcome.FAILED, 0))
            .append(" | ").append(c.getOrDefault(Outcome.EXCLUDED, 0))
            .append(" | ").append(first ? String.valueOf(functions) : "")
            .append(" |\n");
        total[0] += passed;
        total[1] += c.getOrDefault(Outcome.DEVIATION, 0);
        total[2] += c.getOrDefault(Outcome.FAILED, 0);
        total[3] += c.getOrDefault(Outcome.EXCLUDED, 0);
        total[4] += functions;
        first = false;
      }
      if (first) {
        int functions = excludedFunctions.getOrDefault(directive.getKey(), 0);
        out.append("| ").append(directive.getKey()).append(" | | 0 | 0 | 0 | 0 | ").append(functions).append(" |\n");
        total[4] += functions;
      }
    }
    out.append("| **all** | udp+tcp | ").append(total[0]).append(" | ").append(total[1]).append(" | ")
        .append(total[2]).append(" | ").append(total[3]).append(" | ").append(total[4]).append(" |\n");
    return out.toString();
  }
}
