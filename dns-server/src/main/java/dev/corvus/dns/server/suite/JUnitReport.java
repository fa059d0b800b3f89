package dev.corvus.dns.server.suite;

import dev.corvus.dns.server.suite.SuiteResult.CaseResult;
import dev.corvus.dns.server.suite.SuiteResult.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * The results as JUnit XML, the format CI systems read (GitHub Actions reporters, GitLab's
 * {@code artifacts:reports:junit}, Jenkins): a {@code testsuite} per test file, a {@code
 * testcase} per case with a {@code failure} holding the case's diff and the response. A file that
 * did not run is a suite with one {@code testcase} holding an {@code error} with its errors.
 */
public final class JUnitReport {

  private JUnitReport() {}

  /** Writes {@code results} to {@code file}, replacing it. */
  public static void write(Path file, List<SuiteResult> results, Instant timestamp) throws IOException {
    Files.writeString(file, xml(results, timestamp), StandardCharsets.UTF_8);
  }

  static String xml(List<SuiteResult> results, Instant timestamp) {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    int tests = 0;
    int failures = 0;
    int errors = 0;
    Duration time = Duration.ZERO;
    for (SuiteResult result : results) {
      tests += result.outcome() == Outcome.RAN ? result.cases().size() : 1;
      failures += result.failed();
      errors += result.outcome() == Outcome.RAN ? 0 : 1;
      time = time.plus(result.time());
    }
    xml.append("<testsuites name=\"corvus test\" tests=\"").append(tests).append("\" failures=\"").append(failures)
        .append("\" errors=\"").append(errors).append("\" time=\"").append(seconds(time)).append("\">\n");
    String stamp = timestamp.truncatedTo(ChronoUnit.SECONDS).toString();
    for (SuiteResult result : results) {
      suite(xml, result, stamp);
    }
    return xml.append("</testsuites>\n").toString();
  }

  private static void suite(StringBuilder xml, SuiteResult result, String timestamp) {
    String name = attribute(result.path().toString());
    boolean ran = result.outcome() == Outcome.RAN;
    xml.append("  <testsuite name=\"").append(name).append("\" tests=\"").append(ran ? result.cases().size() : 1)
        .append("\" failures=\"").append(result.failed()).append("\" errors=\"").append(ran ? 0 : 1)
        .append("\" skipped=\"0\" time=\"").append(seconds(result.time())).append("\" timestamp=\"").append(timestamp)
        .append("\">\n");
    if (!ran) {
      String message = result.outcome() == Outcome.INVALID ? "the test file is not valid"
          : "the configuration did not start";
      xml.append("    <testcase name=\"").append(name).append("\" classname=\"").append(name).append("\" file=\"")
          .append(name).append("\" time=\"").append(seconds(result.time())).append("\">\n");
      xml.append("      <error message=\"").append(attribute(message)).append("\" type=\"")
          .append(result.outcome() == Outcome.INVALID ? "invalid test file" : "configuration error").append("\">")
          .append(text(String.join("\n", result.problems()))).append("</error>\n");
      xml.append("    </testcase>\n");
    }
    for (CaseResult testCase : result.cases()) {
      xml.append("    <testcase name=\"").append(attribute(testCase.testCase().name())).append("\" classname=\"")
          .append(name).append("\" file=\"").append(name).append("\" line=\"").append(testCase.testCase().line())
          .append("\" time=\"").append(seconds(testCase.time())).append("\"");
      if (testCase.passed()) {
        xml.append("/>\n");
        continue;
      }
      String body = TextReport.details(testCase, "")
          + (testCase.response() == null ? "" : "\nresponse:\n" + testCase.response());
      xml.append(">\n      <failure message=\"").append(attribute(testCase.mismatches().get(0).toString()))
          .append("\" type=\"DNS response\">").append(text(body)).append("</failure>\n    </testcase>\n");
    }
    xml.append("  </testsuite>\n");
  }

  private static String seconds(Duration time) {
    return String.format(Locale.ROOT, "%.3f", time.toNanos() / 1e9);
  }

  /** Text content: markup escaped, and characters XML 1.0 cannot hold replaced. */
  private static String text(String value) {
    StringBuilder escaped = new StringBuilder(value.length());
    value.codePoints().forEach(c -> {
      switch (c) {
        case '&' -> escaped.append("&amp;");
        case '<' -> escaped.append("&lt;");
        case '>' -> escaped.append("&gt;");
        default -> escaped.appendCodePoint(allowed(c) ? c : '\uFFFD');
      }
    });
    return escaped.toString();
  }

  /** An attribute value: also quotes escaped, and line breaks kept as character references. */
  private static String attribute(String value) {
    return text(value).replace("\"", "&quot;").replace("\n", "&#10;").replace("\t", "&#9;");
  }

  /** XML 1.0 §2.2 Char. */
  private static boolean allowed(int c) {
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
        || (c >= 0x10000 && c <= 0x10FFFF);
  }
}
