package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.api.Request;
import org.xbill.DNS.Flags;

/**
 * What makes two queries identical for single-flight: the same name (case-insensitive), type,
 * class, opcode, and the flags that change an upstream's answer (RD, DO, CD).
 */
record FlightKey(
    String name, int type, int dclass, int opcode, boolean recursionDesired, boolean dnssecOk, boolean checkingDisabled) {

  static FlightKey of(Request request) {
    return new FlightKey(
        request.lowerName(),
        request.qtype(),
        request.qclass(),
        request.message().getHeader().getOpcode(),
        request.message().getHeader().getFlag(Flags.RD),
        request.dnssecOk(),
        request.checkingDisabled());
  }
}
