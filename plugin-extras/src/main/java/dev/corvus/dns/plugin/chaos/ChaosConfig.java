package dev.corvus.dns.plugin.chaos;

import java.util.List;

/**
 * The validated {@code chaos} directive.
 *
 * @param version what version.bind and version.server answer
 * @param authors what authors.bind answers, one TXT record each
 */
record ChaosConfig(String version, List<String> authors) {
  ChaosConfig {
    authors = List.copyOf(authors);
  }
}
