package dev.corvus.dns.plugin.hosts.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the text of one Corefile directive (its line and its block) into lines of tokens, with
 * the Corefile's quoting rules: white space separates, {@code "..."} and backquotes keep spaces,
 * {@code \} escapes inside quotes, {@code #} starts a comment.
 */
final class DirectiveText {

  /** One line of tokens and its 1-based line number. */
  record Line(List<String> tokens, int number) {}

  private DirectiveText() {}

  /** The directive line first, then one line per option of its block; braces removed. */
  static List<Line> parse(String text) {
    List<Line> lines = new ArrayList<>();
    String[] raw = text.split("\n", -1);
    for (int i = 0; i < raw.length; i++) {
      List<String> tokens = tokenize(raw[i]);
      if (!tokens.isEmpty() && tokens.get(tokens.size() - 1).equals("{")) {
        tokens.remove(tokens.size() - 1);
      }
      if (tokens.size() == 1 && tokens.get(0).equals("}")) {
        continue;
      }
      if (!tokens.isEmpty()) {
        lines.add(new Line(tokens, i + 1));
      }
    }
    return lines;
  }

  private static List<String> tokenize(String line) {
    List<String> tokens = new ArrayList<>();
    StringBuilder current = null;
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        if (c == '\\' && quote == '"' && i + 1 < line.length()) {
          current.append(line.charAt(++i));
        } else if (c == quote) {
          quote = 0;
        } else {
          current.append(c);
        }
        continue;
      }
      if (c == '#' && current == null) {
        break;
      }
      if (Character.isWhitespace(c)) {
        if (current != null) {
          tokens.add(current.toString());
          current = null;
        }
        continue;
      }
      if (current == null) {
        current = new StringBuilder();
      }
      if (c == '"' || c == '`') {
        quote = c;
      } else {
        current.append(c);
      }
    }
    if (current != null) {
      tokens.add(current.toString());
    }
    return tokens;
  }
}
