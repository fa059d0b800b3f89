package dev.corvus.dns.plugin.sign;

import dev.corvus.dns.plugin.dnssec.KeyPair;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Name;

/**
 * The validated {@code sign} directive.
 *
 * @param file the unsigned zone file
 * @param keys the signing keys of each zone
 * @param directory where {@code db.<zone>.signed} is written
 */
record SignConfig(Path file, Map<Name, List<KeyPair>> keys, Path directory) {

  static final Path DEFAULT_DIRECTORY = Path.of("/var/lib/coredns");

  SignConfig {
    keys = Map.copyOf(keys);
  }

  /** Where the signed copy of {@code zone} is written. */
  Path signedFile(Name zone) {
    String name = zone.toString(true);
    return directory.resolve("db." + (name.isEmpty() ? "root" : name) + ".signed");
  }
}
