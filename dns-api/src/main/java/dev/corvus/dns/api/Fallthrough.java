package dev.corvus.dns.api;

import java.util.List;
import org.xbill.DNS.Name;

/**
 * CoreDNS's {@code fallthrough [ZONES...]}: names a plugin cannot answer in these zones go to the
 * next plugin instead of getting NXDOMAIN. Without zones it covers every name.
 *
 * @param enabled whether {@code fallthrough} was given
 * @param zones the zones it is limited to; empty means all
 */
public record Fallthrough(boolean enabled, List<Name> zones) {

  /** No fallthrough: the plugin answers every name in its zones itself. */
  public static final Fallthrough NONE = new Fallthrough(false, List.of());

  /** Copies the zones. */
  public Fallthrough {
    zones = List.copyOf(zones);
  }

  /** Fallthrough for {@code zones}, or for every name when empty. */
  public static Fallthrough of(List<Name> zones) {
    return new Fallthrough(true, zones);
  }

  /** Whether a name the plugin cannot answer goes to the next plugin. */
  public boolean covers(Name name) {
    return enabled && (zones.isEmpty() || Names.inAny(name, zones));
  }
}
