package dev.corvus.dns.server.corefile;

import dev.corvus.dns.api.config.Location;
import java.util.List;

/**
 * A directive line of a server block, or an option line inside a directive's block.
 *
 * @param name the first word, e.g. {@code forward} or {@code max_fails}
 * @param args the remaining words of the line
 * @param block the lines of the block the line opens, empty when none
 */
public record Directive(Token name, List<Token> args, List<Directive> block) {

  /** Where the line starts. */
  public Location location() {
    return name.location();
  }
}
