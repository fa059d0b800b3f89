package dev.corvus.dns.server.suite;

import dev.corvus.dns.server.suite.SuiteResult.CaseResult;
import dev.corvus.dns.server.suite.SuiteResult.Mismatch;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The console output of {@code corvus test}, after {@code go test}: a block per failing case
 * (its query, then what was expected and what came, with record diffs), a line per file ({@code ok}
 * or {@code FAIL}), and a summary {@code N passed, M failed}. Errors that kept a file from running
 * go to the error stream, each a line {@code file:line: ...} as {@code corvus check} prints them.
 */
public final class TextReport {

  private final PrintStream out;
  private final PrintStream err;
  private final boolean verbose;

  /**
   * @param out where results go
   * @param err where a file's errors go
   * @param verbose whether passing cases are listed too, and failing ones with the whole response
   */
  public TextReport(PrintStream out, PrintStream err, boolean verbose) {
    this.out = out;
    this.err = err;
    this.verbose = verbose;
  }

  /** Prints one file's results. */
  public void file(SuiteResult result) {
    switch (result.outcome()) {
      case INVALID -> {
        result.problems().forEach(err::println);
        out.printf(Locale.ROOT, "FAIL  %s  not run: the test file has %s%n", result.path(),
            count(result.problems().size(), "error"));
      }
      case NOT_STARTED -> {
        result.problems().forEach(err::println);
        out.printf(Locale.ROOT, "FAIL  %s  not run: the configuration did not start%n", result.path());
      }
      case RAN -> {
        for (CaseResult testCase : result.cases()) {
          if (!testCase.passed()) {
            out.print(failure(result, testCase, verbose));
          } else if (verbose) {
            out.printf(Locale.ROOT, "--- PASS: %s (%s:%d) (%s)%n", testCase.testCase().name(), result.path(),
                testCase.testCase().line(), seconds(testCase.time()));
          }
        }
        String counts = result.passed() + " passed" + (result.failed() == 0 ? "" : ", " + result.failed() + " failed");
        out.printf(Locale.ROOT, "%-4s  %s  %s (%s)%n", result.ok() ? "ok" : "FAIL", result.path(), counts,
            seconds(result.time()));
      }
    }
  }

  /** The last line: {@code N passed, M failed}, and the files that did not run. */
  public void summary(List<SuiteResult> results) {
    out.println(summaryLine(results));
  }

  static String summaryLine(List<SuiteResult> results) {
    int passed = results.stream().mapToInt(SuiteResult::passed).sum();
    int failed = results.stream().mapToInt(SuiteResult::failed).sum();
    long notRun = results.stream().filter(r -> r.outcome() != SuiteResult.Outcome.RAN).count();
    return passed + " passed, " + failed + " failed" + (notRun == 0 ? "" : ", " + count((int) notRun, "file") + " not run");
  }

  /** A failing case as printed: its name and place, its query, each mismatch with its diff. */
  static String failure(SuiteResult result, CaseResult testCase, boolean withResponse) {
    StringBuilder text = new StringBuilder();
    text.append("--- FAIL: ").append(testCase.testCase().name()).append(" (").append(result.path()).append(':')
        .append(testCase.testCase().line()).append(")\n");
    text.append(details(testCase, "    "));
    if (withResponse && testCase.response() != null) {
      for (String line : testCase.response().split("\n")) {
        text.append("    | ").append(line).append('\n');
      }
    }
    return text.toString();
  }

  /** The query, then each mismatch and its diff, each line starting with {@code indent}. */
  static String details(CaseResult testCase, String indent) {
    List<String> lines = new ArrayList<>();
    lines.add(testCase.exchange());
    for (Mismatch mismatch : testCase.mismatches()) {
      lines.add(mismatch.toString());
      mismatch.diff().forEach(line -> lines.add("    " + line));
    }
    StringBuilder text = new StringBuilder();
    lines.forEach(line -> text.append(indent).append(line).append('\n'));
    return text.toString();
  }

  static String seconds(Duration time) {
    return String.format(Locale.ROOT, "%.3fs", time.toNanos() / 1e9);
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
