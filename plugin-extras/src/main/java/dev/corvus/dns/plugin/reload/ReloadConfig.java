package dev.corvus.dns.plugin.reload;

import java.time.Duration;

/**
 * The {@code reload [INTERVAL] [JITTER]} directive's configuration, validated as CoreDNS does.
 *
 * @param interval how often the Corefile is checked; at least 2 s, 30 s by default
 * @param jitter the spread of the interval; 0 or at least 1 s, at most half the interval, 15 s by
 *     default
 */
public record ReloadConfig(Duration interval, Duration jitter) {

  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
  static final Duration DEFAULT_JITTER = Duration.ofSeconds(15);
  static final Duration MIN_INTERVAL = Duration.ofSeconds(2);
  static final Duration MIN_JITTER = Duration.ofSeconds(1);
}
