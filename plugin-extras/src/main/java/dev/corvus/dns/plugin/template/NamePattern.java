package dev.corvus.dns.plugin.template;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.List;
import java.util.Map;

/**
 * A {@code match} regex, compiled with RE2J (Go's RE2 syntax, as CoreDNS's template), and the
 * names of its groups.
 *
 * @param pattern the compiled regex
 * @param groupNames the names of its named groups ({@code (?P<name>...)})
 */
record NamePattern(Pattern pattern, List<String> groupNames) {

  /** CoreDNS's limit on a pattern's length. */
  static final int MAX_LENGTH = 10000;

  /** Matches every name: the default when a template has no {@code match}. */
  static final NamePattern ANY = compile(".*");

  /**
   * Compiles a Go regex: Go's {@code (?P<name>...)} works; what Go rejects (backreferences,
   * lookarounds, possessive quantifiers) is rejected.
   *
   * @throws IllegalArgumentException with the pattern and the reason when it does not compile
   */
  static NamePattern compile(String regex) {
    if (regex.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("regex pattern too long: " + regex.length() + " > " + MAX_LENGTH);
    }
    Pattern pattern;
    try {
      pattern = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("could not parse regex \"" + regex + "\": " + e.getMessage());
    }
    List<String> names = pattern.namedGroups().entrySet().stream()
        .sorted(Map.Entry.comparingByValue())
        .map(Map.Entry::getKey)
        .toList();
    return new NamePattern(pattern, names);
  }
}
