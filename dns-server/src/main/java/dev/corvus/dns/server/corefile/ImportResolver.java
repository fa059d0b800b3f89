package dev.corvus.dns.server.corefile;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.Location;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.PatternSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the files an {@code import PATTERN} names, as Caddy does: relative to the directory of the
 * file holding the import, with at most one wildcard ({@code *} or {@code ?}; no character
 * classes), matches in lexical order. A pattern without wildcards must name an existing file; a
 * glob that matches nothing only logs a warning.
 */
final class ImportResolver {

  private static final Logger LOG = LoggerFactory.getLogger(ImportResolver.class);

  private ImportResolver() {}

  static List<Path> resolve(String pattern, Path directory, Location at) throws ConfigException {
    Path full;
    try {
      full = directory.resolve(pattern).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw new ConfigException(at, null, "Failed to use import pattern " + pattern + ": " + e.getMessage());
    }
    String text = full.toString();
    if (count(text, '*') > 1 || count(text, '?') > 1 || (text.contains("[") && text.contains("]"))) {
      throw new ConfigException(
          at, null, "Glob pattern may only contain one wildcard (*), but has others: " + text);
    }
    List<Path> matches;
    if (text.contains("*") || text.contains("?")) {
      try {
        matches = glob(full);
      } catch (PatternSyntaxException e) {
        // e.g. an unclosed '[': Go's filepath.Glob fails with ErrBadPattern, which Caddy reports so
        throw new ConfigException(
            at, null, "Failed to use import pattern " + pattern + ": syntax error in pattern");
      }
      if (matches.isEmpty()) {
        LOG.warn("{}: No files matching import glob pattern: {}", at, pattern);
      }
    } else {
      if (!Files.exists(full)) {
        throw new ConfigException(at, null, "File to import not found: " + pattern);
      }
      matches = List.of(full);
    }
    for (Path match : matches) {
      if (Files.isDirectory(match)) {
        throw new ConfigException(at, null, "Could not import " + match + ": is a directory");
      }
    }
    return matches;
  }

  private static List<Path> glob(Path pattern) {
    // Every wildcard component is compiled before any directory is read: like Go's
    // filepath.Glob, a malformed pattern fails even where no directory it names exists.
    List<PathMatcher> matchers = new ArrayList<>();
    for (Path component : pattern) {
      String part = component.toString();
      matchers.add(part.contains("*") || part.contains("?") ? matcher(part) : null);
    }
    List<Path> current = new ArrayList<>();
    current.add(pattern.getRoot());
    for (int i = 0; i < pattern.getNameCount(); i++) {
      String part = pattern.getName(i).toString();
      PathMatcher matcher = matchers.get(i);
      List<Path> next = new ArrayList<>();
      for (Path dir : current) {
        if (matcher != null) {
          next.addAll(matching(dir, matcher));
        } else if (Files.exists(dir.resolve(part))) {
          next.add(dir.resolve(part));
        }
      }
      current = next;
    }
    return current;
  }

  private static PathMatcher matcher(String part) {
    // Go's filepath.Glob knows no {a,b} alternatives, so braces are literal here
    String escaped = part.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}");
    return FileSystems.getDefault().getPathMatcher("glob:" + escaped);
  }

  private static List<Path> matching(Path dir, PathMatcher matcher) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        if (matcher.matches(entry.getFileName())) {
          found.add(entry);
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot list {} for an import glob: {}", dir, e.toString());
    }
    found.sort(null);
    return found;
  }

  private static long count(String text, char c) {
    return text.chars().filter(x -> x == c).count();
  }
}
