package dev.corvus.dns.plugin.acl;

import dev.corvus.dns.api.net.Cidr;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.xbill.DNS.Type;

/**
 * One line of an {@code acl} block, {@code ACTION [type QTYPE...] [net SOURCE...]}, in the form a
 * query is matched against: the types as a bit set, the networks as an array. Matching reads
 * only these and the address bytes it is given, so it allocates nothing.
 */
final class Policy {

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

  private final Action action;
  /** Bit {@code t} set for each matched type {@code t}; {@code null} for every type. */
  private final long[] types;
  /** The matched sources; {@code null} for every source. */
  private final Cidr[] networks;
  /** The policy as operators read it, for explanations. */
  private final String description;

  /**
   * @param action what happens to a matching query
   * @param types the query types it matches; empty for every type ({@code type *} or no type section)
   * @param networks the sources it matches; empty for every source ({@code net *} or no net section)
   */
  Policy(Action action, Collection<Integer> types, List<Cidr> networks) {
    this.action = action;
    this.types = types.isEmpty() ? null : bits(types);
    this.networks = networks.isEmpty() ? null : networks.toArray(Cidr[]::new);
    this.description = action.name().toLowerCase(Locale.ROOT)
        + (types.isEmpty() ? "" : " type " + types.stream().sorted().map(Type::string).collect(Collectors.joining(" ")))
        + (networks.isEmpty() ? "" : " net " + networks.stream().map(Cidr::toString).collect(Collectors.joining(" ")));
  }

  private static long[] bits(Collection<Integer> types) {
    int max = types.stream().mapToInt(Integer::intValue).max().orElse(0);
    long[] words = new long[(max >>> 6) + 1];
    for (int type : types) {
      words[type >>> 6] |= 1L << type;
    }
    return words;
  }

  Action action() {
    return action;
  }

  /** Whether some policy looks at the source address, so that a query's bytes are worth extracting. */
  boolean needsAddress() {
    return networks != null;
  }

  /**
   * Whether a query of type {@code qtype} from the address with bytes {@code source} matches.
   *
   * @param source the client's address bytes; only read, and only when {@link #needsAddress()}
   */
  boolean matches(int qtype, byte[] source) {
    if (types != null) {
      int word = qtype >>> 6;
      if (word >= types.length || (types[word] & (1L << qtype)) == 0) {
        return false;
      }
    }
    if (networks == null) {
      return true;
    }
    for (Cidr network : networks) {
      if (network.contains(source)) {
        return true;
      }
    }
    return false;
  }

  /** The policy as a Corefile line, e.g. {@code block type A net 10.0.0.0/8}. */
  @Override
  public String toString() {
    return description;
  }
}
