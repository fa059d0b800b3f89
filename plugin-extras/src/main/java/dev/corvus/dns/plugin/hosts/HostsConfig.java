package dev.corvus.dns.plugin.hosts;

import dev.corvus.dns.api.Fallthrough;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * The validated {@code hosts} directive.
 *
 * @param file the hosts file ({@code /etc/hosts} by default)
 * @param zones the zones answered from it (the server block's by default)
 * @param inline the entries written in the Corefile block, already parsed
 * @param ttl the TTL of every record, 3600 by default
 * @param reverse whether PTR records are generated ({@code no_reverse} turns them off)
 * @param reload how often the file is checked for changes; zero disables, 5s by default
 * @param fallthrough which names go to the next plugin when there is no entry
 * @param fallthroughUnsupported whether queries for types other than A, AAAA and PTR fall through
 */
record HostsConfig(
    Path file,
    List<Name> zones,
    HostsTable inline,
    long ttl,
    boolean reverse,
    Duration reload,
    Fallthrough fallthrough,
    boolean fallthroughUnsupported) {

  static final long DEFAULT_TTL = 3600;
  static final Duration DEFAULT_RELOAD = Duration.ofSeconds(5);
  static final Path DEFAULT_FILE = Path.of("/etc/hosts");

  HostsConfig {
    zones = List.copyOf(zones);
  }
}
