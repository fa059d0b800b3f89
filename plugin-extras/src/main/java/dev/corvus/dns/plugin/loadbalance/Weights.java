package dev.corvus.dns.plugin.loadbalance;

import dev.corvus.dns.api.Names;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The weights of {@code loadbalance weighted WEIGHTFILE}: per domain name, a weight from 1 to 255
 * per address. The file lists a domain name on a line of its own, then {@code IP WEIGHT} lines for
 * it; {@code #} starts a comment.
 */
final class Weights {

  /** The weight of an address the file does not list (CoreDNS). */
  static final int DEFAULT_WEIGHT = 1;

  private final Map<String, Map<InetAddress, Integer>> byName;

  private Weights(Map<String, Map<InetAddress, Integer>> byName) {
    this.byName = byName;
  }

  /** A malformed weight file line. */
  static final class MalformedWeightsException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedWeightsException(Path file, int line, String detail) {
      super(file + ":" + line + ": " + detail);
    }
  }

  /** Reads and validates {@code file}. */
  static Weights read(Path file) throws IOException, MalformedWeightsException {
    return parse(file, Files.readAllLines(file));
  }

  static Weights parse(Path file, List<String> lines) throws MalformedWeightsException {
    Map<String, Map<InetAddress, Integer>> byName = new HashMap<>();
    Map<InetAddress, Integer> current = null;
    for (int i = 0; i < lines.size(); i++) {
      String text = lines.get(i);
      int hash = text.indexOf('#');
      String[] fields = (hash >= 0 ? text.substring(0, hash) : text).trim().split("\\s+");
      if (fields.length == 1 && fields[0].isEmpty()) {
        continue;
      }
      if (fields.length == 1) {
        try {
          Name name = Name.fromString(fields[0], Name.root);
          current = byName.computeIfAbsent(Names.lowerCase(name), n -> new HashMap<>());
        } catch (TextParseException e) {
          throw new MalformedWeightsException(file, i + 1, "\"" + fields[0] + "\" is not a domain name");
        }
      } else if (fields.length == 2) {
        if (current == null) {
          throw new MalformedWeightsException(file, i + 1, "an address before any domain name");
        }
        InetAddress address;
        try {
          address = Names.parseAddressLiteral(fields[0]);
        } catch (IllegalArgumentException e) {
          throw new MalformedWeightsException(file, i + 1, "\"" + fields[0] + "\" is not an IP address");
        }
        int weight;
        try {
          weight = Integer.parseInt(fields[1]);
        } catch (NumberFormatException e) {
          weight = 0;
        }
        if (weight < 1 || weight > 255) {
          throw new MalformedWeightsException(file, i + 1,
              "the weight must be between 1 and 255, got \"" + fields[1] + "\"");
        }
        current.put(address, weight);
      } else {
        throw new MalformedWeightsException(file, i + 1,
            "expected a domain name, or IP WEIGHT, got \"" + text.trim() + "\"");
      }
    }
    return new Weights(byName);
  }

  /** The weight of {@code address} for the lower-case {@code name}. */
  int weight(String name, InetAddress address) {
    Map<InetAddress, Integer> weights = byName.get(name);
    return weights == null ? DEFAULT_WEIGHT : weights.getOrDefault(address, DEFAULT_WEIGHT);
  }
}
