package dev.corvus.dns.plugin.tsig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads TSIG secrets in BIND's {@code named.conf} key syntax, line by line as CoreDNS does:
 *
 * <pre>
 * key "example." {
 *     algorithm hmac-sha256;
 *     secret "X28hl0BOfAL5G0jsmJWSacrwn7YRm2f6U5brnzwWEus=";
 * };
 * </pre>
 *
 * The algorithm is ignored: a query's TSIG names its own.
 */
final class KeyFile {

  /** A key file that does not follow the syntax; the message names file and line. */
  static final class KeyFileException extends Exception {
    private static final long serialVersionUID = 1L;

    KeyFileException(String message) {
      super(message);
    }
  }

  private KeyFile() {}

  /** The secrets of {@code file} by key name as written. */
  static Map<String, String> read(Path file) throws IOException, KeyFileException {
    List<String> lines = Files.readAllLines(file);
    Map<String, String> secrets = new LinkedHashMap<>();
    int i = 0;
    while (i < lines.size()) {
      String[] fields = fields(lines.get(i++));
      if (fields.length == 0) {
        continue;
      }
      if (!fields[0].equals("key")) {
        throw new KeyFileException(file + ":" + i + ": unexpected token \"" + fields[0] + "\"");
      }
      String key = fields.length < 2 ? "" : fields[1].replaceAll("^[\"{]+|[\"{]+$", "");
      if (key.isEmpty()) {
        throw new KeyFileException(file + ":" + i + ": expected a key name");
      }
      if (secrets.containsKey(key)) {
        throw new KeyFileException(file + ":" + i + ": key \"" + key + "\" redefined");
      }
      int keyLine = i;
      boolean closed = false;
      while (i < lines.size() && !closed) {
        String[] inner = fields(lines.get(i++));
        if (inner.length == 0) {
          continue;
        }
        switch (inner[0]) {
          case "algorithm" -> { }
          case "secret" -> {
            String secret = inner.length < 2 ? "" : inner[1].replaceAll("^[\";]+|[\";]+$", "");
            if (secret.isEmpty()) {
              throw new KeyFileException(file + ":" + i + ": expected a secret");
            }
            secrets.put(key, secret);
          }
          case "}", "};" -> closed = true;
          default -> throw new KeyFileException(file + ":" + i + ": unexpected token \"" + inner[0] + "\"");
        }
      }
      if (!secrets.containsKey(key)) {
        throw new KeyFileException(file + ":" + keyLine + ": expected a secret for key \"" + key + "\"");
      }
    }
    return secrets;
  }

  private static String[] fields(String line) {
    String trimmed = line.trim();
    return trimmed.isEmpty() ? new String[0] : trimmed.split("\\s+");
  }
}
