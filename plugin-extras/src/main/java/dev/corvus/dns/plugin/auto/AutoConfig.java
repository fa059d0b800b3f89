package dev.corvus.dns.plugin.auto;

import com.google.re2j.Pattern;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * The validated {@code auto} directive.
 *
 * @param zones the zones served (the server block's by default); files for other origins are skipped
 * @param directory where the zone files are, searched recursively
 * @param pattern matched (unanchored) against each file name
 * @param template the origin, with {@code {N}} replaced by the pattern's N-th group
 * @param reload how often the directory is scanned again; zero disables
 */
record AutoConfig(List<Name> zones, Path directory, Pattern pattern, String template, Duration reload) {

  static final Pattern DEFAULT_PATTERN = Pattern.compile("db\\.(.*)");
  static final String DEFAULT_TEMPLATE = "{1}";
  static final Duration DEFAULT_RELOAD = Duration.ofMinutes(1);

  AutoConfig {
    zones = List.copyOf(zones);
  }
}
