package dev.corvus.dns.plugin.admin;

import dev.corvus.dns.api.capability.Explanation;
import dev.corvus.dns.api.capability.Explanation.Outcome;
import dev.corvus.dns.api.capability.Explanation.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** An {@link Explanation} as operators read it: a step table with notes, or plain data for JSON. */
final class ExplanationReport {

  private static final String[] SECTION_NAMES = {"QUESTION", "ANSWER", "AUTHORITY", "ADDITIONAL"};

  private ExplanationReport() {}

  static String text(Explanation explanation, String question, String client) {
    StringBuilder out = new StringBuilder();
    out.append(";; explain ").append(question).append(" as if from ").append(client).append('\n');
    out.append(";; server block ").append(explanation.server()).append(", zone ").append(explanation.zone())
        .append("\n\n");
    int width = explanation.steps().stream().mapToInt(s -> s.directive().length()).max().orElse(8);
    int number = 1;
    for (Step step : explanation.steps()) {
      out.append(String.format(Locale.ROOT, "%2d. %-" + width + "s  %-22s %-9s %s%n", number++,
          step.directive(), outcome(step), step.rcode(), millis(step.took())));
      if (step.outcome() == Outcome.CHANGED_QUESTION) {
        out.append("      passed on as ").append(step.passedOn()).append('\n');
      }
      for (String note : step.notes()) {
        out.append("      ").append(note).append('\n');
      }
    }
    Message response = explanation.response();
    out.append('\n').append(";; answered ").append(Rcode.string(response.getRcode()));
    String answeredBy = answeredBy(explanation);
    if (!answeredBy.isEmpty()) {
      out.append(" by ").append(answeredBy);
    }
    out.append(" in ").append(millis(explanation.took()))
        .append(" (an explanation: no cache, metric or upstream state was changed)\n");
    out.append(";; flags:").append(flags(response)).append('\n');
    for (int section = Section.ANSWER; section <= Section.ADDITIONAL; section++) {
      List<Record> records = response.getSection(section).stream().filter(r -> r.getType() != Type.OPT).toList();
      if (records.isEmpty()) {
        continue;
      }
      out.append("\n;; ").append(SECTION_NAMES[section]).append(" SECTION:\n");
      records.forEach(r -> out.append(r).append('\n'));
    }
    return out.toString();
  }

  static Map<String, Object> data(Explanation explanation, String question, String client) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("question", question);
    data.put("client", client);
    data.put("server", explanation.server());
    data.put("zone", explanation.zone());
    List<Object> steps = new ArrayList<>();
    for (Step step : explanation.steps()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("directive", step.directive());
      entry.put("question", step.question());
      entry.put("outcome", step.outcome().name().toLowerCase(Locale.ROOT));
      entry.put("passedOn", step.passedOn());
      entry.put("rcode", step.rcode());
      entry.put("notes", step.notes());
      entry.put("ms", step.took().toNanos() / 1e6);
      steps.add(entry);
    }
    data.put("steps", steps);
    Message response = explanation.response();
    data.put("rcode", Rcode.string(response.getRcode()));
    data.put("answeredBy", answeredBy(explanation));
    data.put("ms", explanation.took().toNanos() / 1e6);
    for (int section = Section.ANSWER; section <= Section.ADDITIONAL; section++) {
      data.put(SECTION_NAMES[section].toLowerCase(Locale.ROOT), response.getSection(section).stream()
          .filter(r -> r.getType() != Type.OPT).map(Record::toString).toList());
    }
    return data;
  }

  /** The directive whose step answered: the last step entered that did not pass the query on. */
  private static String answeredBy(Explanation explanation) {
    String by = "";
    for (Step step : explanation.steps()) {
      if (step.outcome() == Outcome.ANSWERED) {
        by = step.directive();
      }
    }
    return by;
  }

  private static String outcome(Step step) {
    return switch (step.outcome()) {
      case ANSWERED -> "answered";
      case PASSED_ON -> "passed on";
      case CHANGED_QUESTION -> "changed the question";
      case CHANGED_ANSWER -> "changed the answer";
      case FAILED -> "failed";
    };
  }

  private static String flags(Message response) {
    StringBuilder flags = new StringBuilder();
    for (int flag : new int[] {Flags.QR, Flags.AA, Flags.TC, Flags.RD, Flags.RA, Flags.AD, Flags.CD}) {
      if (response.getHeader().getFlag(flag)) {
        flags.append(' ').append(Flags.string(flag));
      }
    }
    return flags.toString();
  }

  private static String millis(Duration duration) {
    return String.format(Locale.ROOT, "%.2f ms", duration.toNanos() / 1e6);
  }
}
