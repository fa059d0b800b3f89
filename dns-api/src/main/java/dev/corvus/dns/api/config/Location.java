package dev.corvus.dns.api.config;

/**
 * Where a token stands in the Corefile (or a file it imports).
 *
 * @param file the file's path as the user gave it, or a label such as {@code <embedded>}
 * @param line the 1-based line number
 */
public record Location(String file, int line) {
  @Override
  public String toString() {
    return file + ":" + line;
  }
}
