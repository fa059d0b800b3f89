package dev.corvus.dns.server.corefile;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.Location;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits Corefile text into words as Caddy's lexer (the one CoreDNS uses) does: white space
 * separates words, {@code #} starts a comment to the end of the line (anywhere outside quotes),
 * {@code "..."} keeps spaces and newlines with {@code \"} as the only escape (any other {@code \x}
 * is kept as written), and a leading byte order mark is dropped. Backquoted words ({@code `...`})
 * keep everything as written, as in Caddy 2.
 */
final class Lexer {

  private Lexer() {}

  static List<LexToken> tokenize(String text, String file, Path directory, List<String> importChain)
      throws ConfigException {
    List<LexToken> tokens = new ArrayList<>();
    int line = 1;
    boolean lineStart = true;
    int i = text.startsWith("\uFEFF") ? 1 : 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (c == '\n') {
        line++;
        lineStart = true;
        i++;
        continue;
      }
      if (isSpace(c)) {
        i++;
        continue;
      }
      if (c == '#') {
        while (i < n && text.charAt(i) != '\n') {
          i++;
        }
        continue;
      }
      int startLine = line;
      StringBuilder word = new StringBuilder();
      boolean quoted = c == '"' || c == '`';
      if (quoted) {
        i++;
        boolean closed = false;
        while (i < n) {
          char ch = text.charAt(i);
          if (c == '"' && ch == '\\' && i + 1 < n) {
            char escaped = text.charAt(i + 1);
            // Caddy: only a quote can be escaped; any other backslash stays in the word
            if (escaped != '"') {
              word.append('\\');
            }
            if (escaped == '\n') {
              line++;
            }
            word.append(escaped);
            i += 2;
            continue;
          }
          i++;
          if (ch == c) {
            closed = true;
            break;
          }
          if (ch == '\n') {
            line++;
          }
          word.append(ch);
        }
        if (!closed) {
          throw new ConfigException(
              new Location(file, startLine), null, "Unterminated quoted string: missing closing " + c);
        }
      } else {
        while (i < n && !isSpace(text.charAt(i)) && text.charAt(i) != '#') {
          word.append(text.charAt(i));
          i++;
        }
      }
      tokens.add(
          new LexToken(
              word.toString(), new Location(file, startLine), quoted, lineStart, directory, importChain));
      lineStart = false;
    }
    return tokens;
  }

  // Go's unicode.IsSpace, which Caddy uses, also counts NEL and NBSP.
  private static boolean isSpace(char c) {
    return Character.isWhitespace(c) || c == '\u00a0' || c == '\u0085';
  }
}
