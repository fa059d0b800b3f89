package dev.corvus.dns.plugin.tsig;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.Name;

/**
 * The validated {@code tsig} directive.
 *
 * @param zones the zones whose queries are checked (the server block's by default)
 * @param secrets the shared secrets by key name (lower case, absolute)
 * @param types the query types that must be signed; {@code allTypes} for every type
 * @param opcodes the opcodes that must be signed; {@code allOpcodes} for every opcode
 */
record TsigConfig(List<Name> zones, Map<Name, byte[]> secrets, Set<Integer> types, boolean allTypes,
    Set<Integer> opcodes, boolean allOpcodes) {

  TsigConfig {
    zones = List.copyOf(zones);
    secrets = Map.copyOf(secrets);
    types = Set.copyOf(types);
    opcodes = Set.copyOf(opcodes);
  }

  /** Whether a query of {@code qtype} with {@code opcode} must carry a TSIG. */
  boolean required(int qtype, int opcode) {
    return allTypes || allOpcodes || types.contains(qtype) || opcodes.contains(opcode);
  }
}
