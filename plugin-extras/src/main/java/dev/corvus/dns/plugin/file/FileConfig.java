package dev.corvus.dns.plugin.file;

import dev.corvus.dns.api.Fallthrough;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * The validated {@code file} directive.
 *
 * @param file the zone file
 * @param zones the origins the file is loaded as (the server block's zones by default)
 * @param reload how often the file is checked for a new SOA serial; zero disables, 1m by default
 * @param fallthrough which NXDOMAIN names go to the next plugin
 */
record FileConfig(Path file, List<Name> zones, Duration reload, Fallthrough fallthrough) {

  static final Duration DEFAULT_RELOAD = Duration.ofMinutes(1);

  FileConfig {
    zones = List.copyOf(zones);
  }
}
