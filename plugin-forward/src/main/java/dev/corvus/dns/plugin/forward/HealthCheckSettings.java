package dev.corvus.dns.plugin.forward;

import java.time.Duration;
import java.util.Objects;
import org.xbill.DNS.Name;

/**
 * How upstreams are probed once a query to them failed ({@code health_check} option).
 *
 * @param interval the pause between failed checks (CoreDNS's default 0.5 s); zero disables
 *     checking, so upstreams are never marked down
 * @param recursionDesired whether the probe sets RD ({@code no_rec} clears it)
 * @param domain the probe's name; the probe asks {@code DOMAIN IN NS}
 */
record HealthCheckSettings(Duration interval, boolean recursionDesired, Name domain) {

  /** CoreDNS's default: every 0.5 s, {@code . IN NS} with RD set. */
  static final HealthCheckSettings DEFAULT =
      new HealthCheckSettings(Duration.ofMillis(500), true, Name.root);

  HealthCheckSettings {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(domain, "domain");
    if (interval.isNegative()) {
      throw new IllegalArgumentException("interval must not be negative");
    }
  }

  /** Whether probes run at all. */
  boolean enabled() {
    return !interval.isZero();
  }
}
