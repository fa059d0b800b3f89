package dev.corvus.dns.server.corefile;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

/**
 * Go's {@code time.ParseDuration} syntax, in which CoreDNS writes durations: a sequence of
 * decimal numbers with units ({@code ns}, {@code us}/{@code µs}, {@code ms}, {@code s}, {@code
 * m}, {@code h}), e.g. {@code 1m30s} or {@code 0.5s}. As CoreDNS plugins accept, a bare integer
 * means seconds. Negative durations are refused: no Corefile option takes one.
 */
public final class GoDuration {

  private static final Map<String, Long> NANOS_PER_UNIT = Map.of(
      "ns", 1L,
      "us", 1_000L,
      "\u00b5s", 1_000L,
      "\u03bcs", 1_000L,
      "ms", 1_000_000L,
      "s", 1_000_000_000L,
      "m", 60_000_000_000L,
      "h", 3_600_000_000_000L);

  private GoDuration() {}

  /**
   * Parses a duration.
   *
   * @throws IllegalArgumentException when the text is not a non-negative duration
   */
  public static Duration parse(String text) {
    String s = text.startsWith("+") ? text.substring(1) : text;
    if (s.matches("[0-9]+")) {
      return Duration.ofSeconds(Long.parseLong(s));
    }
    if (s.isEmpty() || s.startsWith("-")) {
      throw new IllegalArgumentException(text);
    }
    BigDecimal nanos = BigDecimal.ZERO;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      String number = s.substring(start, i);
      int unitStart = i;
      while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
        i++;
      }
      Long unit = NANOS_PER_UNIT.get(s.substring(unitStart, i));
      if (unit == null || !number.matches("[0-9]+(\\.[0-9]*)?|\\.[0-9]+")) {
        throw new IllegalArgumentException(text);
      }
      nanos = nanos.add(new BigDecimal(number).multiply(BigDecimal.valueOf(unit)));
    }
    try {
      return Duration.ofNanos(nanos.toBigInteger().longValueExact());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(text, e);
    }
  }
}
