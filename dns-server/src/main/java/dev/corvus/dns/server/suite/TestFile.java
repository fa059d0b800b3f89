package dev.corvus.dns.server.suite;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * A test file of {@code corvus test}, read and validated: the Corefile it names and its cases.
 *
 * @param path the file as named on the command line
 * @param corefile the Corefile, resolved against the test file's directory
 * @param server the server block queries go to unless a case names one; {@code null} for the first
 *     listener that serves the name
 * @param cases the cases, in file order
 */
public record TestFile(Path path, Path corefile, Located server, List<Case> cases) {

  /** Copies the cases. */
  public TestFile {
    cases = List.copyOf(cases);
  }

  /**
   * A value whose meaning depends on the Corefile (which is read only when the file runs), with
   * the line it is written on, for errors found then.
   *
   * @param text the value as written
   * @param line its line in the test file
   */
  public record Located(String text, int line) {}

  /**
   * One case.
   *
   * @param name its name, the query when it has none
   * @param line the line its entry starts on
   * @param query what is asked and how
   * @param expect what the response must be
   */
  public record Case(String name, int line, Query query, Expect expect) {}

  /**
   * A query and how it reaches the server.
   *
   * @param name the question's name
   * @param type the question's type
   * @param dclass the question's class
   * @param server the server block (its key), or {@code null} for the file's choice
   * @param client the client's address as plugins see it
   * @param transport {@code udp} or {@code tcp} as written, or {@code null} for the listener's
   *     default (UDP for {@code dns://})
   * @param edns whether the query has an OPT record (RFC 6891)
   * @param bufsize the UDP payload size the OPT record advertises
   * @param dnssec whether the OPT record's DO bit is set
   */
  public record Query(Name name, int type, int dclass, Located server, InetSocketAddress client, Located transport,
      boolean edns, int bufsize, boolean dnssec) {

    /** The question as written in zone files: {@code web.demo.svc.cluster.local. A}, the class when not IN. */
    public String question() {
      return name + (dclass == DClass.IN ? "" : " " + DClass.string(dclass)) + " " + Type.string(type);
    }
  }

  /**
   * What a response must be; {@code null} (or an empty map) for what is not checked.
   *
   * @param rcode the rcode, extended rcodes included
   * @param answer the answer section, exactly (as a multiset unless {@code ordered})
   * @param authority the authority section, exactly
   * @param additional the additional section without the OPT record, exactly
   * @param ordered whether the sections given are compared in order
   * @param answerContains records the answer section must hold, among others
   * @param flags header flags (and {@code do}, the OPT record's DO bit) that must be set ({@code
   *     true}) or clear ({@code false}), in the order written
   * @param ttlMax the highest TTL any record of the response may have
   * @param answerCount the number of records in the answer section
   * @param noResponse whether the server must send nothing (drop the query)
   */
  public record Expect(Integer rcode, List<ExpectedRecord> answer, List<ExpectedRecord> authority,
      List<ExpectedRecord> additional, boolean ordered, List<ExpectedRecord> answerContains,
      Map<String, Boolean> flags, Long ttlMax, Integer answerCount, boolean noResponse) {}

  /**
   * A record as a case expects it, written in zone-file syntax.
   *
   * @param record the record (its TTL is 0 when none was written)
   * @param ttlGiven whether the TTL was written; otherwise any TTL matches
   */
  public record ExpectedRecord(Record record, boolean ttlGiven) {

    /** Whether {@code actual} is this record: owner name (case-insensitively), class, type, RDATA and TTL if given. */
    public boolean matches(Record actual) {
      return record.equals(actual) && (!ttlGiven || record.getTTL() == actual.getTTL());
    }

    /** The record in zone-file syntax, without the TTL when any TTL matches. */
    @Override
    public String toString() {
      return ttlGiven ? RecordFormat.format(record) : RecordFormat.formatWithoutTtl(record);
    }
  }
}
