package dev.corvus.dns.plugin.loadbalance;

import dev.corvus.dns.api.net.Cidr;
import java.nio.file.Path;
import java.time.Duration;

import java.util.List;

/**
 * The {@code loadbalance [round_robin | weighted WEIGHTFILE] { reload DURATION; limit_answers N;
 * prefer CIDR... }} directive's configuration.
 *
 * @param weightFile the weight file of the {@code weighted} policy, or {@code null} for
 *     {@code round_robin}
 * @param reload how often the weight file is checked for changes; zero: never
 * @param limitAnswers the answer section is cut to this many records after balancing; 0: no limit
 * @param preferred networks whose addresses are moved to the front after shuffling, in order
 */
public record LoadbalanceConfig(Path weightFile, Duration reload, int limitAnswers, List<Cidr> preferred) {

  /** CoreDNS's default interval for rereading the weight file. */
  static final Duration DEFAULT_RELOAD = Duration.ofSeconds(30);

  /** Copies the list. */
  public LoadbalanceConfig {
    preferred = List.copyOf(preferred);
  }

  /** Whether the {@code weighted} policy is used. */
  boolean weighted() {
    return weightFile != null;
  }
}
