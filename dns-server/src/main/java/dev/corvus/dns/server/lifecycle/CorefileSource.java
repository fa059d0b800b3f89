package dev.corvus.dns.server.lifecycle;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.corefile.Corefile;
import dev.corvus.dns.server.corefile.CorefileParser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the configuration comes from: a file (reread at every reload) or a text.
 *
 * @param file the Corefile, or {@code null}
 * @param text the Corefile's text when there is no file
 * @param label the name errors use for a text, e.g. {@code <embedded>}
 */
public record CorefileSource(Path file, String text, String label) {

  /** A Corefile read from {@code file}. */
  public static CorefileSource ofFile(Path file) {
    return new CorefileSource(file, null, file.toString());
  }

  /** A Corefile given as text. */
  public static CorefileSource ofText(String text, String label) {
    return new CorefileSource(null, text, label);
  }

  /** Reads and parses the Corefile. */
  public Corefile parse(Map<String, String> environment, int dnsPort) throws ConfigException, IOException {
    if (file != null) {
      return CorefileParser.parse(file, environment, dnsPort);
    }
    return CorefileParser.parse(text, label, baseDirectory(), environment, dnsPort);
  }

  /** The directory relative paths resolve against. */
  public Path baseDirectory() {
    if (file != null) {
      Path parent = file.toAbsolutePath().getParent();
      return parent == null ? Path.of("").toAbsolutePath() : parent;
    }
    return Path.of("").toAbsolutePath();
  }
}
