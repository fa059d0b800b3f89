package dev.corvus.dns.server.corefile;

import dev.corvus.dns.api.config.Location;
import java.nio.file.Path;
import java.util.List;

/**
 * A word as the lexer produced it, with what the parser needs beyond {@link Token}.
 *
 * @param text the word after quote and escape processing
 * @param location where it stands
 * @param quoted whether it was written in quotes: a quoted {@code "{"} is a word, not a brace
 * @param lineStart whether it starts a line (a directive's argument list ends at a newline)
 * @param directory the directory relative imports written next to this word resolve against
 * @param importChain the files and snippets whose expansion produced this word, outermost first;
 *     an import of anything already on the chain is a cycle
 */
record LexToken(
    String text,
    Location location,
    boolean quoted,
    boolean lineStart,
    Path directory,
    List<String> importChain) {

  /** Whether this is the unquoted word {@code word} (a brace or a keyword). */
  boolean is(String word) {
    return !quoted && text.equals(word);
  }

  LexToken withText(String newText) {
    return new LexToken(newText, location, quoted, lineStart, directory, importChain);
  }

  LexToken startingLine() {
    return lineStart ? this : new LexToken(text, location, quoted, true, directory, importChain);
  }

  LexToken importedThrough(List<String> chain) {
    return new LexToken(text, location, quoted, lineStart, directory, chain);
  }

  Token token() {
    return new Token(text, location);
  }
}
