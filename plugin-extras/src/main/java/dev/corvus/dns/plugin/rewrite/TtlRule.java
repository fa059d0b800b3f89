package dev.corvus.dns.plugin.rewrite;

import dev.corvus.dns.api.Request;
import java.util.List;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * {@code ttl [MATCH] NAME SECONDS|MIN-MAX}: clamps the TTL of the answer records of matching
 * queries into {@code [min, max]} (a single value sets both bounds).
 *
 * @param match how the query name is recognised
 * @param min the lowest TTL let through
 * @param max the highest TTL let through
 */
record TtlRule(NameMatch match, long min, long max) implements Rule {

  @Override
  public Rewrite apply(Request request) {
    if (match.match(request.lowerName()) == null) {
      return null;
    }
    return new Rewrite(request.message(), List.of(this::clamp));
  }

  private void clamp(Message response) {
    List<Record> answers = response.getSection(Section.ANSWER);
    response.removeAllRecords(Section.ANSWER);
    for (Record r : answers) {
      long ttl = Math.max(min, Math.min(max, r.getTTL()));
      response.addRecord(ttl == r.getTTL() ? r : withTtl(r, ttl), Section.ANSWER);
    }
  }

  /** The record with another TTL, its data byte for byte (names keep their case). */
  static Record withTtl(Record r, long ttl) {
    byte[] wire = r.toWire(Section.ANSWER);
    int at = r.getName().length() + 4; // owner, type, class, then the 32-bit TTL
    wire[at] = (byte) (ttl >>> 24);
    wire[at + 1] = (byte) (ttl >>> 16);
    wire[at + 2] = (byte) (ttl >>> 8);
    wire[at + 3] = (byte) ttl;
    try {
      return Record.fromWire(wire, Section.ANSWER);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("a record that was just written does not read back", e);
    }
  }
}
