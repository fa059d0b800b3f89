package dev.corvus.dns.plugin.template;

import dev.corvus.dns.api.Names;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * CoreDNS's {@code fallthrough [ZONES...]}: whether a name this plugin cannot answer goes to the
 * next plugin. Without the option nothing falls through; without zones every name does.
 *
 * @param enabled whether the option was given
 * @param zones the zones it is limited to; empty for all
 */
record Fallthrough(boolean enabled, List<Name> zones) {

  static final Fallthrough NONE = new Fallthrough(false, List.of());

  Fallthrough {
    zones = List.copyOf(zones);
  }

  /** Whether {@code name} falls through to the next plugin. */
  boolean covers(Name name) {
    return enabled && (zones.isEmpty() || Names.inAny(name, zones));
  }
}
