package dev.corvus.dns.plugin.acl;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;

/**
 * One line of an {@code acl} block: {@code ACTION [type QTYPE...] [net SOURCE...]}.
 *
 * @param action what happens to a matching query
 * @param types the query types it matches; empty for every type ({@code type *} or no type section)
 * @param networks the sources it matches; empty for every source ({@code net *} or no net section)
 */
record Policy(Action action, Set<Integer> types, List<Cidr> networks) {

  /** What an acl line does with the queries it matches. */
  enum Action {
    /** Let the query through to the rest of the chain. */
    ALLOW,
    /** Answer REFUSED with the extended error "Blocked". */
    BLOCK,
    /** Answer an empty NOERROR with the extended error "Filtered". */
    FILTER,
    /** Send nothing. */
    DROP
  }

  Policy {
    types = Set.copyOf(types);
    networks = List.copyOf(networks);
  }

  boolean matches(int qtype, InetAddress source) {
    if (!types.isEmpty() && !types.contains(qtype)) {
      return false;
    }
    if (networks.isEmpty()) {
      return true;
    }
    for (Cidr network : networks) {
      if (network.contains(source)) {
        return true;
      }
    }
    return false;
  }
}
