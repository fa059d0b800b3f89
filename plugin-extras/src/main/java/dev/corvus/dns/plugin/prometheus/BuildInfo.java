package dev.corvus.dns.plugin.prometheus;

import dev.corvus.dns.api.metrics.Metrics;
import dev.corvus.dns.api.plugin.Plugin;
import org.slf4j.LoggerFactory;

/**
 * {@code coredns_build_info{version,revision,goversion} 1}: the dns-api version from its jar
 * manifest, {@code unknown} for the revision (not recorded in the jars), and the Java runtime in
 * place of Go's version.
 */
final class BuildInfo {

  private BuildInfo() {}

  static void register(Metrics metrics) {
    Package api = Plugin.class.getPackage();
    String version = api == null ? null : api.getImplementationVersion();
    try {
      metrics.gauge("coredns_build_info",
            "A metric with a constant '1' value labeled by version, revision, and goversion from which CoreDNS was built.",
            "version", "revision", "goversion")
        .labels(version == null ? "unknown" : version, "unknown", "java" + Runtime.version())
        .set(1);
    } catch (IllegalArgumentException e) {
      // A registry that refuses the "_info" suffix must not keep /metrics from being served.
      LoggerFactory.getLogger(BuildInfo.class).warn("coredns_build_info is not exported: {}", e.getMessage());
    }
  }
}
