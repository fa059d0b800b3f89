package dev.corvus.dns.plugin.template;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A {@code match} regex and the names of its groups (Java 17's matcher cannot list them).
 *
 * @param pattern the compiled regex
 * @param groupNames the names of its named groups
 */
record NamePattern(Pattern pattern, List<String> groupNames) {

  /** CoreDNS's limit on a pattern's length. */
  static final int MAX_LENGTH = 10000;

  private static final Pattern NAMED_GROUP = Pattern.compile("\\(\\?<([A-Za-z][A-Za-z0-9]*)>");

  /** Matches every name: the default when a template has no {@code match}. */
  static final NamePattern ANY = compile(".*");

  /**
   * Compiles a Go regex; Go's {@code (?P<name>...)} is accepted.
   *
   * @throws IllegalArgumentException with the pattern and the reason when it does not compile
   */
  static NamePattern compile(String regex) {
    if (regex.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("regex pattern too long: " + regex.length() + " > " + MAX_LENGTH);
    }
    String java = regex.replace("(?P<", "(?<");
    Pattern pattern;
    try {
      pattern = Pattern.compile(java);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "could not parse regex \"" + regex + "\": " + e.getDescription() + " near index " + e.getIndex());
    }
    List<String> names = new ArrayList<>();
    Matcher m = NAMED_GROUP.matcher(java);
    while (m.find()) {
      names.add(m.group(1));
    }
    return new NamePattern(pattern, List.copyOf(names));
  }
}
