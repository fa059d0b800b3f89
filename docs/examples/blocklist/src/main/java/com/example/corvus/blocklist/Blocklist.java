package com.example.corvus.blocklist;

import dev.corvus.dns.api.Names;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An immutable set of blocked names. A name blocks itself and every name below it, so {@code
 * ads.example.} also blocks {@code tracker.ads.example.}.
 */
public final class Blocklist {

  /** The list before the file was read: blocks nothing. */
  public static final Blocklist EMPTY = new Blocklist(Set.of());

  private final Set<String> names;

  private Blocklist(Set<String> names) {
    this.names = Set.copyOf(names);
  }

  /**
   * Reads a list file: one name per line, {@code #} starts a comment, blank lines are ignored.
   *
   * @throws IOException when the file cannot be read
   * @throws IllegalArgumentException naming the file and line when a line is not a domain name
   */
  public static Blocklist read(Path file) throws IOException {
    return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  /**
   * Parses the lines of a list.
   *
   * @param source the file name, for error messages
   */
  public static Blocklist parse(String source, List<String> lines) {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int comment = line.indexOf('#');
      String name = (comment < 0 ? line : line.substring(0, comment)).strip();
      if (name.isEmpty()) {
        continue;
      }
      try {
        names.add(Names.lowerCase(Names.zone(name)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(source + ":" + (i + 1) + ": not a domain name: " + name, e);
      }
    }
    return new Blocklist(names);
  }

  /**
   * Whether {@code lowerName} (lower case, absolute, as {@link dev.corvus.dns.api.Request#lowerName}
   * gives it) or a name above it is on the list.
   */
  public boolean blocks(String lowerName) {
    if (names.isEmpty()) {
      return false;
    }
    int at = 0;
    while (true) {
      if (names.contains(lowerName.substring(at))) {
        return true;
      }
      int dot = lowerName.indexOf('.', at);
      if (dot < 0 || dot + 1 >= lowerName.length()) {
        return false;
      }
      at = dot + 1;
    }
  }

  /** How many names the list holds. */
  public int size() {
    return names.size();
  }
}
