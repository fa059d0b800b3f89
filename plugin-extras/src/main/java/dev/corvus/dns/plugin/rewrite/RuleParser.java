package dev.corvus.dns.plugin.rewrite;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Turns the words of one rewrite rule ({@code name regex FROM TO answer auto}, {@code type ANY
 * HINFO}, ...) into a {@link Rule}. Every error, regex errors included, is raised here, at
 * configuration time.
 */
final class RuleParser {

  /** A rule that does not parse; the message says what was expected. */
  static final class RuleSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;

    RuleSyntaxException(String message) {
      super(message);
    }
  }

  private RuleParser() {}

  static Rule parse(List<String> words) throws RuleSyntaxException {
    return parse(words, query -> java.util.concurrent.CompletableFuture.failedFuture(
        new IllegalStateException("no resolver")));
  }

  /**
   * Parses a rule; {@code resolver} is where the {@code cname} field looks up rewritten targets.
   */
  static Rule parse(List<String> words, dev.corvus.dns.api.plugin.Resolver resolver) throws RuleSyntaxException {
    if (words.isEmpty()) {
      throw new RuleSyntaxException("expected a rule: name, type, class, ttl, rcode, edns0 or cname");
    }
    String field = words.get(0).toLowerCase(Locale.ROOT);
    List<String> args = words.subList(1, words.size());
    try {
      return switch (field) {
        case "name" -> nameRule(args);
        case "type" -> {
          expectCount("type", args, 2);
          yield new TypeRule(type(args.get(0)), type(args.get(1)));
        }
        case "class" -> {
          expectCount("class", args, 2);
          yield new ClassRule(dclass(args.get(0)), dclass(args.get(1)));
        }
        case "ttl" -> ttlRule(args);
        case "rcode" -> rcodeRule(args);
        case "edns0" -> edns0Rule(args);
        case "cname" -> cnameRule(args, resolver);
        default -> throw new RuleSyntaxException("unknown rule field \"" + words.get(0)
            + "\", expected name, type, class, ttl, rcode, edns0 or cname");
      };
    } catch (IllegalArgumentException e) {
      throw new RuleSyntaxException(field + ": " + e.getMessage());
    }
  }

  private static Rule nameRule(List<String> args) throws RuleSyntaxException {
    if (args.size() < 2) {
      throw new RuleSyntaxException("name: expected [exact|prefix|suffix|substring|regex] FROM TO");
    }
    if (args.size() == 2) {
      return new NameRule(NameMatch.of("exact", args.get(0)), NameMatch.normalize(args.get(1)), true, List.of());
    }
    if (!NameMatch.isMatchType(args.get(0))) {
      throw new RuleSyntaxException("name: unknown match type \"" + args.get(0)
          + "\", expected exact, prefix, suffix, substring or regex");
    }
    NameMatch match = NameMatch.of(args.get(0), args.get(1));
    String replacement = NameMatch.normalize(args.get(2));
    boolean auto = false;
    List<Rule.ResponseRule> answers = new ArrayList<>();
    List<String> rest = args.subList(3, args.size());
    int i = 0;
    while (i < rest.size()) {
      if (rest.get(i).equalsIgnoreCase("answer")) {
        i++;
      } else if (i == 0) {
        throw new RuleSyntaxException("name: expected \"answer\", got \"" + rest.get(i) + "\"");
      }
      if (i >= rest.size()) {
        throw new RuleSyntaxException("name: answer: expected auto, name FROM TO or value FROM TO");
      }
      String kind = rest.get(i).toLowerCase(Locale.ROOT);
      if (kind.equals("auto") || (kind.equals("name") && i + 1 < rest.size() && rest.get(i + 1).equals("auto"))) {
        auto = true;
        i += kind.equals("auto") ? 1 : 2;
        continue;
      }
      if ((!kind.equals("name") && !kind.equals("value")) || i + 2 >= rest.size()) {
        throw new RuleSyntaxException("name: answer: expected auto, name FROM TO or value FROM TO");
      }
      NameRewriter rewriter = NameRewriter.regex(NameMatch.compile(rest.get(i + 1)), rest.get(i + 2));
      answers.add(kind.equals("name") ? ResponseNames.owners(rewriter) : ResponseNames.values(rewriter));
      i += 3;
    }
    return new NameRule(match, replacement, auto, answers);
  }

  /** {@code cname [exact|prefix|suffix|substring|regex] FROM TO}; exact by default. */
  private static Rule cnameRule(List<String> args, dev.corvus.dns.api.plugin.Resolver resolver)
      throws RuleSyntaxException {
    if (args.size() != 2 && args.size() != 3) {
      throw new RuleSyntaxException("cname: expected [exact|prefix|suffix|substring|regex] FROM TO");
    }
    String type = args.size() == 3 ? args.get(0).toLowerCase(Locale.ROOT) : "exact";
    if (!NameMatch.isMatchType(type)) {
      throw new RuleSyntaxException("cname: unknown cname rewrite type \"" + args.get(0)
          + "\", expected exact, prefix, suffix, substring or regex");
    }
    String from = args.get(args.size() - 2);
    String to = args.get(args.size() - 1).toLowerCase(Locale.ROOT);
    // CoreDNS lower-cases FROM and TO, and makes both absolute only for exact
    NameMatch match = type.equals("regex") ? NameMatch.of(type, from.toLowerCase(Locale.ROOT))
        : type.equals("exact") ? NameMatch.of(type, from) : rawMatch(type, from.toLowerCase(Locale.ROOT));
    return new CnameTargetRule(match, type.equals("exact") ? NameMatch.normalize(to) : to, resolver);
  }

  private static NameMatch rawMatch(String type, String value) {
    return switch (type) {
      case "prefix" -> new NameMatch.Prefix(value);
      case "suffix" -> new NameMatch.Suffix(value);
      default -> new NameMatch.Substring(value);
    };
  }

  private static Rule ttlRule(List<String> args) throws RuleSyntaxException {
    if (args.size() != 2 && args.size() != 3) {
      throw new RuleSyntaxException("ttl: expected [exact|prefix|suffix|substring|regex] NAME SECONDS|MIN-MAX");
    }
    NameMatch match = matchOf("ttl", args);
    String value = args.get(args.size() - 1);
    int dash = value.indexOf('-');
    long min;
    long max;
    if (dash < 0) {
      min = seconds(value);
      max = min;
    } else {
      min = dash == 0 ? 0 : seconds(value.substring(0, dash));
      max = dash == value.length() - 1 ? Integer.MAX_VALUE : seconds(value.substring(dash + 1));
    }
    if (min > max) {
      throw new RuleSyntaxException("ttl: the range " + value + " is empty");
    }
    return new TtlRule(match, min, max);
  }

  private static Rule rcodeRule(List<String> args) throws RuleSyntaxException {
    if (args.size() != 3 && args.size() != 4) {
      throw new RuleSyntaxException("rcode: expected [exact|prefix|suffix|substring|regex] NAME FROM TO");
    }
    NameMatch match = matchOf("rcode", args.subList(0, args.size() - 1));
    return new RcodeRule(match, rcode(args.get(args.size() - 2)), rcode(args.get(args.size() - 1)));
  }

  /** {@code NAME} alone is an exact match; {@code TYPE NAME} names the match type. */
  private static NameMatch matchOf(String field, List<String> args) throws RuleSyntaxException {
    if (args.size() == 2) {
      return NameMatch.of("exact", args.get(0));
    }
    NameMatch match = NameMatch.of(args.get(0), args.get(1));
    if (match == null) {
      throw new RuleSyntaxException(field + ": unknown match type \"" + args.get(0) + "\"");
    }
    return match;
  }

  private static Rule edns0Rule(List<String> args) throws RuleSyntaxException {
    if (args.size() < 2) {
      throw new RuleSyntaxException("edns0: expected local|nsid|subnet set|append|replace|unset ...");
    }
    String kind = args.get(0).toLowerCase(Locale.ROOT);
    Edns0Rule.Action action = Edns0Rule.Action.parse(args.get(1));
    if (action == null) {
      throw new RuleSyntaxException("edns0: unknown action \"" + args.get(1) + "\", expected set, append, replace or unset");
    }
    boolean revert = action != Edns0Rule.Action.UNSET && args.get(args.size() - 1).equalsIgnoreCase("revert");
    if (revert) {
      args = args.subList(0, args.size() - 1);
    }
    switch (kind) {
      case "local" -> {
        int expected = action == Edns0Rule.Action.UNSET ? 3 : 4;
        if (args.size() != expected) {
          throw new RuleSyntaxException("edns0: local " + args.get(1) + ": expected CODE"
              + (action == Edns0Rule.Action.UNSET ? "" : " DATA [revert]"));
        }
        int code = optionCode(args.get(2));
        return new Edns0Rule(action, code,
            action == Edns0Rule.Action.UNSET ? null : Edns0Rule.localData(args.get(3)), revert);
      }
      case "nsid" -> {
        if (args.size() != 2) {
          throw new RuleSyntaxException("edns0: nsid takes no data");
        }
        return new Edns0Rule(action, org.xbill.DNS.EDNSOption.Code.NSID, request -> new byte[0], revert);
      }
      case "subnet" -> {
        if (action == Edns0Rule.Action.UNSET) {
          if (args.size() != 2) {
            throw new RuleSyntaxException("edns0: subnet unset takes no arguments");
          }
          return new Edns0Rule(action, org.xbill.DNS.EDNSOption.Code.CLIENT_SUBNET, null, false);
        }
        if (args.size() != 4) {
          throw new RuleSyntaxException("edns0: subnet " + args.get(1) + ": expected IPV4_PREFIX_LENGTH IPV6_PREFIX_LENGTH [revert]");
        }
        int v4 = prefixLength(args.get(2), 32, "IPv4");
        int v6 = prefixLength(args.get(3), 128, "IPv6");
        return new Edns0Rule(action, org.xbill.DNS.EDNSOption.Code.CLIENT_SUBNET, Edns0Rule.subnetData(v4, v6), revert);
      }
      default -> throw new RuleSyntaxException("edns0: unsupported option \"" + args.get(0) + "\", expected local, nsid or subnet");
    }
  }

  private static int prefixLength(String text, int max, String family) throws RuleSyntaxException {
    try {
      int length = Integer.parseInt(text);
      if (length < 0 || length > max) {
        throw new RuleSyntaxException("edns0: invalid " + family + " bit mask length " + text + " (0-" + max + ")");
      }
      return length;
    } catch (NumberFormatException e) {
      throw new RuleSyntaxException("edns0: \"" + text + "\" is not an " + family + " bit mask length (0-" + max + ")");
    }
  }

  private static int optionCode(String text) throws RuleSyntaxException {
    try {
      int code = text.startsWith("0x") || text.startsWith("0X")
          ? Integer.parseInt(text.substring(2), 16) : Integer.parseInt(text);
      if (code < 0 || code > 0xffff) {
        throw new NumberFormatException();
      }
      return code;
    } catch (NumberFormatException e) {
      throw new RuleSyntaxException("edns0: \"" + text + "\" is not an option code (0-65535, e.g. 0xffee)");
    }
  }

  private static void expectCount(String field, List<String> args, int count) throws RuleSyntaxException {
    if (args.size() != count) {
      throw new RuleSyntaxException(field + ": expected FROM TO");
    }
  }

  private static int type(String text) throws RuleSyntaxException {
    int type = Type.value(text);
    if (type < 0) {
      throw new RuleSyntaxException("type: \"" + text + "\" is not a record type");
    }
    return type;
  }

  private static int dclass(String text) throws RuleSyntaxException {
    int dclass = DClass.value(text);
    if (dclass < 0) {
      throw new RuleSyntaxException("class: \"" + text + "\" is not a class (IN, CH, HS, ...)");
    }
    return dclass;
  }

  private static int rcode(String text) throws RuleSyntaxException {
    int rcode = Rcode.value(text);
    if (rcode < 0) {
      throw new RuleSyntaxException("rcode: \"" + text + "\" is not a response code");
    }
    return rcode;
  }

  private static long seconds(String text) throws RuleSyntaxException {
    try {
      long value = Long.parseLong(text);
      if (value < 0 || value > Integer.MAX_VALUE) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new RuleSyntaxException("ttl: \"" + text + "\" is not a number of seconds");
    }
  }
}
