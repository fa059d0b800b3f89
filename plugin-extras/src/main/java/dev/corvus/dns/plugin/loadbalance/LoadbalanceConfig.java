package dev.corvus.dns.plugin.loadbalance;

import java.util.List;

/**
 * The {@code loadbalance [round_robin] { prefer CIDR... }} directive's configuration.
 *
 * @param preferred networks whose addresses are moved to the front after shuffling, in order
 */
public record LoadbalanceConfig(List<Cidr> preferred) {

  /** Copies the list. */
  public LoadbalanceConfig {
    preferred = List.copyOf(preferred);
  }
}
