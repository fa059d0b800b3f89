package dev.corvus.dns.plugin.errors;

import com.google.re2j.Pattern;
import java.time.Duration;
import java.util.List;
import org.slf4j.event.Level;

/**
 * The {@code errors} directive's configuration.
 *
 * @param stacktrace whether failures are logged with their stack traces ({@code stacktrace})
 * @param consolidations the {@code consolidate} rules, in Corefile order (the first match wins)
 */
public record ErrorsConfig(boolean stacktrace, List<Consolidation> consolidations) {

  /** Copies the list. */
  public ErrorsConfig {
    consolidations = List.copyOf(consolidations);
  }

  /**
   * One {@code consolidate DURATION REGEXP [LEVEL] [show_first]} rule.
   *
   * @param period how long matching errors are counted before one summary line is logged
   * @param pattern the regular expression matched (unanchored, as Go's MatchString) against the
   *     error message
   * @param level the level of the summary line; {@link Level#ERROR} by default
   * @param showFirst whether the first matching error is logged right away
   */
  public record Consolidation(Duration period, Pattern pattern, Level level, boolean showFirst) {}
}
