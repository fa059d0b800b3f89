package dev.corvus.dns.plugin.rewrite;

import com.google.re2j.Pattern;
import java.util.Locale;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * Maps a name in a response to another: the way back of a name rule ({@code answer auto}) or an
 * explicit {@code answer name|value FROM TO}. Comparisons are case-insensitive.
 */
interface NameRewriter {

  /** The new name, or {@code null} to leave {@code name} as it is. */
  Name rewrite(Name name);

  /** Maps exactly {@code from} to {@code to}. */
  static NameRewriter exact(Name from, Name to) {
    return name -> name.equals(from) ? to : null;
  }

  /** Replaces a trailing {@code from} (normalised, with its dot) with {@code to}. */
  static NameRewriter suffix(String from, String to) {
    return name -> {
      String lower = lower(name);
      return lower.endsWith(from) ? parse(lower.substring(0, lower.length() - from.length()) + to) : null;
    };
  }

  /** Replaces a leading {@code from} with {@code to}. */
  static NameRewriter prefix(String from, String to) {
    return name -> {
      String lower = lower(name);
      return lower.startsWith(from) ? parse(to + lower.substring(from.length())) : null;
    };
  }

  /** Replaces every {@code from} with {@code to}. */
  static NameRewriter substring(String from, String to) {
    return name -> {
      String lower = lower(name);
      return lower.contains(from) ? parse(lower.replace(from, to)) : null;
    };
  }

  /** A name matching {@code pattern} becomes {@code template} with its {@code {N}} groups filled in. */
  static NameRewriter regex(Pattern pattern, String template) {
    NameMatch.Regex match = new NameMatch.Regex(pattern);
    return name -> {
      String[] groups = match.match(lower(name));
      return groups == null ? null : parse(NameMatch.normalize(NameMatch.expand(template, groups)));
    };
  }

  private static String lower(Name name) {
    return name.toString(false).toLowerCase(Locale.ROOT);
  }

  /** Parses a rewritten name; an invalid one leaves the record unchanged. */
  private static Name parse(String text) {
    try {
      return Name.fromString(text);
    } catch (TextParseException e) {
      return null;
    }
  }
}
