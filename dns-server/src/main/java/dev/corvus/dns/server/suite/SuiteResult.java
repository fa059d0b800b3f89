package dev.corvus.dns.server.suite;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What running one test file gave.
 *
 * @param path the test file as named on the command line
 * @param outcome whether its cases ran
 * @param problems why they did not: the test file's errors ({@link Outcome#INVALID}) or the
 *     Corefile's ({@link Outcome#NOT_STARTED}), each a line {@code file:line: ...}; empty when they ran
 * @param cases every case's result, in file order (empty unless the cases ran)
 * @param time how long the file took, the server's start included
 */
public record SuiteResult(Path path, Outcome outcome, List<String> problems, List<CaseResult> cases, Duration time) {

  /** Copies the lists. */
  public SuiteResult {
    problems = List.copyOf(problems);
    cases = List.copyOf(cases);
  }

  /** Whether the file's cases ran. */
  public enum Outcome {
    /** Every case ran (and passed or failed). */
    RAN,
    /** The test file is malformed: nothing ran ({@code corvus test} exits 2). */
    INVALID,
    /** The Corefile has errors, or its plugins could not start or get ready: nothing ran (exit 1). */
    NOT_STARTED
  }

  /** The number of cases that passed. */
  public int passed() {
    return (int) cases.stream().filter(CaseResult::passed).count();
  }

  /** The number of cases that failed. */
  public int failed() {
    return cases.size() - passed();
  }

  /** Whether the file ran and every case passed. */
  public boolean ok() {
    return outcome == Outcome.RAN && failed() == 0;
  }

  /**
   * One case's result.
   *
   * @param testCase the case
   * @param exchange what was sent where, e.g. {@code web.demo.svc.cluster.local. A over udp from
   *     127.0.0.1 to dns://:1053}
   * @param mismatches how the response differs from the expectation; empty when the case passed
   * @param response the response as dig prints it, or {@code null} when none came
   * @param time how long the query took
   */
  public record CaseResult(TestFile.Case testCase, String exchange, List<Mismatch> mismatches, String response,
      Duration time) {

    /** Copies the list. */
    public CaseResult {
      mismatches = List.copyOf(mismatches);
    }

    /** Whether the response met every expectation. */
    public boolean passed() {
      return mismatches.isEmpty();
    }
  }

  /**
   * One way a response differs from what was expected.
   *
   * @param key the expectation, e.g. {@code rcode} or {@code answer}
   * @param summary what was expected and what came, e.g. {@code expected NXDOMAIN, got NOERROR}
   * @param diff records marked {@code -} (expected, missing), {@code +} (came, unexpected) or
   *     two spaces (as expected), in the order they are best read
   */
  public record Mismatch(String key, String summary, List<String> diff) {

    /** Copies the diff. */
    public Mismatch {
      diff = List.copyOf(diff);
    }

    /** {@code key: summary}. */
    @Override
    public String toString() {
      return key + ": " + summary;
    }
  }
}
