package dev.corvus.dns.server.suite;

import dev.corvus.dns.server.suite.SuiteResult.Mismatch;
import dev.corvus.dns.server.suite.TestFile.ExpectedRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Compares a response with a case's expectation. Sections are compared as multisets of records
 * unless the case asks for their order: names case-insensitively, RDATA in canonical form (RFC
 * 4034 §6.2), the TTL only where the expectation writes one. The OPT record is not part of the
 * additional section here; its DO bit is the flag {@code do}.
 */
final class ResponseComparison {

  /** How many records a mismatch lists as context (not as a difference) at most. */
  private static final int CONTEXT_LINES = 10;

  private ResponseComparison() {}

  /** Every way {@code response} differs from {@code expect}; empty when it matches. */
  static List<Mismatch> compare(TestFile.Expect expect, Message response) {
    List<Mismatch> mismatches = new ArrayList<>();
    if (expect.noResponse()) {
      mismatches.add(new Mismatch("no_response", "expected no response, got " + Rcode.string(response.getRcode())
          + " with " + count(response.getSection(Section.ANSWER).size(), "answer record"), List.of()));
      return mismatches;
    }
    if (expect.rcode() != null && response.getRcode() != expect.rcode()) {
      mismatches.add(new Mismatch("rcode",
          "expected " + Rcode.string(expect.rcode()) + ", got " + Rcode.string(response.getRcode()), List.of()));
    }
    List<Record> answer = response.getSection(Section.ANSWER);
    List<Record> authority = response.getSection(Section.AUTHORITY);
    List<Record> additional = response.getSection(Section.ADDITIONAL).stream()
        .filter(r -> r.getType() != Type.OPT).toList();
    section("answer", expect.answer(), answer, expect.ordered(), mismatches);
    section("authority", expect.authority(), authority, expect.ordered(), mismatches);
    section("additional", expect.additional(), additional, expect.ordered(), mismatches);
    if (expect.answerContains() != null) {
      contains(expect.answerContains(), answer, mismatches);
    }
    for (Map.Entry<String, Boolean> flag : expect.flags().entrySet()) {
      boolean set = flag(response, flag.getKey());
      if (set != flag.getValue()) {
        mismatches.add(new Mismatch("flags", flag.getKey() + ": expected " + (flag.getValue() ? "set" : "clear")
            + ", got " + (set ? "set" : "clear") + " (flags: " + flags(response) + ")", List.of()));
      }
    }
    if (expect.ttlMax() != null) {
      List<String> above = new ArrayList<>();
      for (List<Record> section : List.of(answer, authority, additional)) {
        section.stream().filter(r -> r.getTTL() > expect.ttlMax()).forEach(r -> above.add("+ " + RecordFormat.format(r)));
      }
      if (!above.isEmpty()) {
        mismatches.add(new Mismatch("ttl_max", "expected every TTL at most " + expect.ttlMax() + ", got "
            + count(above.size(), "record") + " above", shortened(above)));
      }
    }
    if (expect.answerCount() != null && answer.size() != expect.answerCount()) {
      mismatches.add(new Mismatch("answer_count", "expected " + expect.answerCount() + ", got " + answer.size(),
          shortened(answer.stream().map(r -> "  " + RecordFormat.format(r)).toList())));
    }
    return mismatches;
  }

  /** The header flags set, as dig prints them ({@code qr aa rd}), and {@code do} when the OPT record has it. */
  static String flags(Message response) {
    List<String> set = new ArrayList<>();
    for (String flag : TestFileReader.FLAGS) {
      if (flag(response, flag)) {
        set.add(flag);
      }
    }
    return set.isEmpty() ? "none" : String.join(" ", set);
  }

  private static boolean flag(Message response, String flag) {
    if (flag.equals("do")) {
      OPTRecord opt = response.getOPT();
      return opt != null && (opt.getFlags() & ExtendedFlags.DO) != 0;
    }
    return response.getHeader().getFlag(Flags.value(flag));
  }

  private static void section(String name, List<ExpectedRecord> expected, List<Record> actual, boolean ordered,
      List<Mismatch> mismatches) {
    if (expected == null) {
      return;
    }
    List<String> diff = ordered ? orderedDiff(expected, actual) : multisetDiff(expected, actual);
    long missing = diff.stream().filter(line -> line.startsWith("-")).count();
    long unexpected = diff.stream().filter(line -> line.startsWith("+")).count();
    if (missing + unexpected == 0) {
      return;
    }
    String summary;
    if (expected.isEmpty()) {
      summary = "expected no records, got " + actual.size();
    } else if (actual.isEmpty()) {
      summary = "expected " + count(expected.size(), "record") + ", got none";
    } else {
      List<String> parts = new ArrayList<>();
      if (missing > 0) {
        parts.add(missing + " missing (-)");
      }
      if (unexpected > 0) {
        parts.add(count((int) unexpected, "unexpected record") + " (+)");
      }
      summary = String.join(", ", parts) + (ordered ? ", in order" : "");
    }
    mismatches.add(new Mismatch(name, summary, diff));
  }

  /**
   * Expected records in the order written, each marked as found or missing, then the records that
   * came and were not expected. Each expectation takes the first unclaimed record it matches.
   */
  private static List<String> multisetDiff(List<ExpectedRecord> expected, List<Record> actual) {
    boolean[] claimed = new boolean[actual.size()];
    List<String> diff = new ArrayList<>();
    for (ExpectedRecord want : expected) {
      int found = -1;
      for (int i = 0; i < actual.size() && found < 0; i++) {
        if (!claimed[i] && want.matches(actual.get(i))) {
          found = i;
        }
      }
      if (found >= 0) {
        claimed[found] = true;
        diff.add("  " + RecordFormat.format(actual.get(found)));
      } else {
        diff.add("- " + want);
      }
    }
    for (int i = 0; i < actual.size(); i++) {
      if (!claimed[i]) {
        diff.add("+ " + RecordFormat.format(actual.get(i)));
      }
    }
    return diff;
  }

  /** A line diff of the two sequences, from their longest common subsequence. */
  private static List<String> orderedDiff(List<ExpectedRecord> expected, List<Record> actual) {
    int n = expected.size();
    int m = actual.size();
    int[][] common = new int[n + 1][m + 1];
    for (int i = n - 1; i >= 0; i--) {
      for (int j = m - 1; j >= 0; j--) {
        common[i][j] = expected.get(i).matches(actual.get(j))
            ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
      }
    }
    List<String> diff = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && expected.get(i).matches(actual.get(j))) {
        diff.add("  " + RecordFormat.format(actual.get(j)));
        i++;
        j++;
      } else if (i < n && (j == m || common[i + 1][j] >= common[i][j + 1])) {
        diff.add("- " + expected.get(i++));
      } else {
        diff.add("+ " + RecordFormat.format(actual.get(j++)));
      }
    }
    return diff;
  }

  private static void contains(List<ExpectedRecord> expected, List<Record> actual, List<Mismatch> mismatches) {
    boolean[] claimed = new boolean[actual.size()];
    List<String> missing = new ArrayList<>();
    for (ExpectedRecord want : expected) {
      boolean found = false;
      for (int i = 0; i < actual.size() && !found; i++) {
        if (!claimed[i] && want.matches(actual.get(i))) {
          claimed[i] = true;
          found = true;
        }
      }
      if (!found) {
        missing.add("- " + want);
      }
    }
    if (!missing.isEmpty()) {
      List<String> diff = new ArrayList<>(missing);
      diff.addAll(shortened(actual.stream().map(r -> "  " + RecordFormat.format(r)).toList()));
      mismatches.add(new Mismatch("answer_contains", missing.size() + " missing (-) from an answer of "
          + count(actual.size(), "record"), diff));
    }
  }

  /** Records shown as context: the first {@value #CONTEXT_LINES}, then how many more there are. */
  private static List<String> shortened(List<String> lines) {
    if (lines.size() <= CONTEXT_LINES + 1) {
      return lines;
    }
    List<String> shown = new ArrayList<>(lines.subList(0, CONTEXT_LINES));
    shown.add("  ... " + (lines.size() - CONTEXT_LINES) + " more");
    return shown;
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
