package dev.corvus.dns.plugin.rewrite;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.Locale;

/**
 * How a rule recognises a query name: {@code exact}, {@code prefix}, {@code suffix}, {@code
 * substring} or {@code regex}, against the lower-case absolute name ({@code www.example.org.}).
 * Non-regex strings are normalised as CoreDNS does: lower case, with a trailing dot.
 */
sealed interface NameMatch {

  /** CoreDNS's limit on a pattern's length. */
  int MAX_REGEX_LENGTH = 10000;

  /** The regex groups of a match (group 0 the whole match), or {@code null} when it does not match. */
  String[] match(String lowerName);

  /**
   * The rewritten name of a matching {@code lowerName}: the replacement for exact, the replaced
   * part for prefix, suffix and substring, the template with groups filled in for regex.
   */
  String rewrite(String lowerName, String[] groups, String replacement);

  /**
   * How names in the response are mapped back ({@code answer auto}): prefix, suffix and
   * substring exchange FROM and TO; the others map the rewritten name to the asked one.
   */
  default NameRewriter reverse(String replacement, org.xbill.DNS.Name rewritten, org.xbill.DNS.Name asked) {
    return NameRewriter.exact(rewritten, asked);
  }

  /** Parses a match type; {@code null} when {@code type} is not one. */
  static NameMatch of(String type, String value) {
    return switch (type.toLowerCase(Locale.ROOT)) {
      case "exact" -> new Exact(normalize(value));
      case "prefix" -> new Prefix(normalize(value));
      case "suffix" -> new Suffix(normalize(value));
      case "substring" -> new Substring(normalize(value));
      case "regex" -> new Regex(compile(value));
      default -> null;
    };
  }

  /** Whether {@code word} names a match type. */
  static boolean isMatchType(String word) {
    return switch (word.toLowerCase(Locale.ROOT)) {
      case "exact", "prefix", "suffix", "substring", "regex" -> true;
      default -> false;
    };
  }

  /** Lower case with a trailing dot, as CoreDNS normalises names in rules. */
  static String normalize(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower : lower + ".";
  }

  /**
   * Compiles a Go regular expression with RE2J, which has Go's RE2 syntax: {@code (?P<name>...)}
   * works, backreferences and lookarounds are rejected as CoreDNS rejects them, and matching a
   * name takes time linear in its length.
   *
   * @throws IllegalArgumentException with the pattern and the reason when it does not compile
   */
  static Pattern compile(String regex) {
    if (regex.length() > MAX_REGEX_LENGTH) {
      throw new IllegalArgumentException(
          "regex pattern too long: " + regex.length() + " > " + MAX_REGEX_LENGTH);
    }
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("invalid regex \"" + regex + "\": " + e.getMessage());
    }
  }

  /** Replaces {@code {N}} in {@code template} with group N, as CoreDNS's rewrite does. */
  static String expand(String template, String[] groups) {
    String result = template;
    for (int i = 0; i < groups.length; i++) {
      result = result.replace("{" + i + "}", groups[i] == null ? "" : groups[i]);
    }
    return result;
  }

  /** The whole name equals the value. */
  record Exact(String value) implements NameMatch {
    @Override
    public String[] match(String lowerName) {
      return lowerName.equals(value) ? new String[] {lowerName} : null;
    }

    @Override
    public String rewrite(String lowerName, String[] groups, String replacement) {
      return replacement;
    }
  }

  /** The name starts with the value. */
  record Prefix(String value) implements NameMatch {
    @Override
    public String[] match(String lowerName) {
      return lowerName.startsWith(value) ? new String[] {value} : null;
    }

    @Override
    public String rewrite(String lowerName, String[] groups, String replacement) {
      return replacement + lowerName.substring(value.length());
    }

    @Override
    public NameRewriter reverse(String replacement, org.xbill.DNS.Name rewritten, org.xbill.DNS.Name asked) {
      return NameRewriter.prefix(replacement, value);
    }
  }

  /** The name ends with the value. */
  record Suffix(String value) implements NameMatch {
    @Override
    public String[] match(String lowerName) {
      return lowerName.endsWith(value) ? new String[] {value} : null;
    }

    @Override
    public String rewrite(String lowerName, String[] groups, String replacement) {
      return lowerName.substring(0, lowerName.length() - value.length()) + replacement;
    }

    @Override
    public NameRewriter reverse(String replacement, org.xbill.DNS.Name rewritten, org.xbill.DNS.Name asked) {
      return NameRewriter.suffix(replacement, value);
    }
  }

  /** The name contains the value. */
  record Substring(String value) implements NameMatch {
    @Override
    public String[] match(String lowerName) {
      return lowerName.contains(value) ? new String[] {value} : null;
    }

    @Override
    public String rewrite(String lowerName, String[] groups, String replacement) {
      return lowerName.replace(value, replacement);
    }

    @Override
    public NameRewriter reverse(String replacement, org.xbill.DNS.Name rewritten, org.xbill.DNS.Name asked) {
      return NameRewriter.substring(replacement, value);
    }
  }

  /** The name matches the pattern somewhere (Go's {@code FindStringSubmatch}). */
  record Regex(Pattern pattern) implements NameMatch {
    @Override
    public String[] match(String lowerName) {
      Matcher m = pattern.matcher(lowerName);
      if (!m.find()) {
        return null;
      }
      String[] groups = new String[m.groupCount() + 1];
      for (int i = 0; i <= m.groupCount(); i++) {
        groups[i] = m.group(i);
      }
      return groups;
    }

    @Override
    public String rewrite(String lowerName, String[] groups, String replacement) {
      return normalize(expand(replacement, groups));
    }
  }
}
