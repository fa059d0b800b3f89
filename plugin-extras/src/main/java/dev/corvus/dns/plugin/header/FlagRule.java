package dev.corvus.dns.plugin.header;

import java.util.List;
import org.xbill.DNS.Header;

/**
 * One flag to set or clear.
 *
 * @param flag the flag
 * @param state {@code true} to set it, {@code false} to clear it
 */
record FlagRule(HeaderFlag flag, boolean state) {

  /** Applies {@code rules} in order, so the last rule for a flag wins (as in CoreDNS). */
  static void apply(List<FlagRule> rules, Header header) {
    for (FlagRule rule : rules) {
      if (rule.state) {
        header.setFlag(rule.flag.bit);
      } else {
        header.unsetFlag(rule.flag.bit);
      }
    }
  }

  /** Whether applying {@code rules} would leave {@code header} as it is. */
  static boolean unchanged(List<FlagRule> rules, Header header) {
    for (FlagRule rule : rules) {
      if (header.getFlag(rule.flag.bit) != rule.state) {
        return false;
      }
    }
    return true;
  }
}
