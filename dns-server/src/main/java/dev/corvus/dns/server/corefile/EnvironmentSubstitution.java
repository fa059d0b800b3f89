package dev.corvus.dns.server.corefile;

import java.util.Map;

/**
 * Replaces {@code {$NAME}} and {@code {%NAME%}} by the variable's value (empty when unset), as
 * CoreDNS does before it parses a Corefile. A value is inserted once and never itself expanded.
 */
final class EnvironmentSubstitution {

  private EnvironmentSubstitution() {}

  static String apply(String text, Map<String, String> env) {
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      int end = referenceEnd(text, i);
      if (end < 0) {
        out.append(text.charAt(i));
        i++;
        continue;
      }
      boolean windows = text.charAt(i + 1) == '%';
      String name = text.substring(i + 2, windows ? end - 2 : end - 1);
      out.append(env.getOrDefault(name, ""));
      i = end;
    }
    return out.toString();
  }

  /** The index just after a reference starting at {@code start}, or -1 when none starts there. */
  private static int referenceEnd(String text, int start) {
    if (!text.startsWith("{$", start) && !text.startsWith("{%", start)) {
      return -1;
    }
    String closing = text.charAt(start + 1) == '%' ? "%}" : "}";
    int close = text.indexOf(closing, start + 2);
    if (close <= start + 2) {
      return -1;
    }
    for (int i = start + 2; i < close; i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c) || c == '{' || c == '}') {
        return -1;
      }
    }
    return close + closing.length();
  }
}
