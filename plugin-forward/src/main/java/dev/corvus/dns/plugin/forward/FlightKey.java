package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.api.Request;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Name;

/**
 * What makes two queries identical for single-flight: the same name (case-insensitive), type,
 * class, opcode, and the flags that change an upstream's answer (RD, DO, CD).
 */
record FlightKey(
    Name name, int type, int dclass, int opcode, boolean recursionDesired, boolean dnssecOk, boolean checkingDisabled) {

  static FlightKey of(Request request) {
    return new FlightKey(
        // dnsjava's Name compares and hashes case-insensitively (RFC 4343): no lower-case string.
        request.qname(),
        request.qtype(),
        request.qclass(),
        request.message().getHeader().getOpcode(),
        request.message().getHeader().getFlag(Flags.RD),
        request.dnssecOk(),
        request.checkingDisabled());
  }
}
