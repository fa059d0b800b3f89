package dev.corvus.dns.plugin.acl;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.metrics.Metrics;
import dev.corvus.dns.api.net.Cidr;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * {@code acl [ZONES...] { allow|block|filter|drop [type QTYPE...] [net SOURCE...] ... }}.
 * Repeatable, as in CoreDNS.
 */
@AutoService(PluginFactory.class)
public final class AclFactory implements PluginFactory {

  private static final List<String> ACTIONS = List.of("allow", "block", "filter", "drop");

  @Override
  public String directive() {
    return "acl";
  }

  @Override
  public boolean repeatable() {
    return true;
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    List<Name> zones = config.remainingZonesOrServerZones();
    List<Policy> policies = new ArrayList<>();
    while (config.nextOption()) {
      Policy.Action action = switch (config.option().toLowerCase(Locale.ROOT)) {
        case "allow" -> Policy.Action.ALLOW;
        case "block" -> Policy.Action.BLOCK;
        case "filter" -> Policy.Action.FILTER;
        case "drop" -> Policy.Action.DROP;
        default -> throw config.unknownOption(ACTIONS);
      };
      policies.add(policy(config, action));
    }
    Metrics metrics = context.metrics();
    String[] labels = {"server", "zone", "view"};
    AclHandler.AclMetrics counters = new AclHandler.AclMetrics(
        metrics.counter("coredns_acl_blocked_requests_total", "Counter of DNS requests being blocked.", labels),
        metrics.counter("coredns_acl_filtered_requests_total", "Counter of DNS requests being filtered.", labels),
        metrics.counter("coredns_acl_allowed_requests_total", "Counter of DNS requests being allowed.", "server", "view"),
        metrics.counter("coredns_acl_dropped_requests_total", "Counter of DNS requests being dropped.", labels));
    return Plugin.of(new AclHandler(zones, policies, context.serverLabel(), counters));
  }

  /**
   * One policy line. {@code type} and {@code net} sections may come in any order and repeat, so
   * the line is read as a whole; a network is parsed as {@link ConfigReader#nextCidr} parses one
   * with a bare address allowed ({@link Cidr#parseHostOrNetwork}), with the same message.
   */
  private static Policy policy(ConfigReader config, Policy.Action action) throws ConfigException {
    Set<Integer> types = new HashSet<>();
    List<Cidr> networks = new ArrayList<>();
    boolean allTypes = false;
    boolean allNetworks = false;
    List<String> words = config.remainingArgs();
    int i = 0;
    while (i < words.size()) {
      String section = words.get(i).toLowerCase(Locale.ROOT);
      if (!section.equals("type") && !section.equals("net")) {
        throw config.error("unexpected token \"" + words.get(i) + "\"; expected type or net");
      }
      int start = ++i;
      while (i < words.size() && !isSectionWord(words.get(i))) {
        i++;
      }
      if (i == start) {
        throw config.error("no token specified in \"" + section + "\" section");
      }
      for (String token : words.subList(start, i)) {
        if (section.equals("type")) {
          if (token.equals("*")) {
            allTypes = true;
            continue;
          }
          int type = Type.value(token);
          if (type < 0) {
            throw config.error("unexpected token \"" + token + "\"; expected a legal QTYPE");
          }
          types.add(type);
        } else {
          if (token.equals("*")) {
            allNetworks = true;
            continue;
          }
          try {
            networks.add(Cidr.parseHostOrNetwork(token));
          } catch (IllegalArgumentException e) {
            throw config.error("net: " + e.getMessage());
          }
        }
      }
    }
    return new Policy(action, allTypes ? Set.of() : types, allNetworks ? List.of() : networks);
  }

  private static boolean isSectionWord(String word) {
    return word.equalsIgnoreCase("type") || word.equalsIgnoreCase("net");
  }
}
