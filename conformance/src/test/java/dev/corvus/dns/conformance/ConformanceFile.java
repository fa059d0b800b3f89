package dev.corvus.dns.conformance;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * One data file: the cases of one CoreDNS test file ({@code plugin/<directive>/<name>_test.go}),
 * grouped by the server they need.
 *
 * @param source the CoreDNS test file the cases come from
 * @param servers each with its Corefile, files, upstream stubs and cases; one server runs per entry
 * @param excluded Go test functions of the source that are not query/answer tests, with the reason
 */
record ConformanceFile(String source, List<ServerSpec> servers, List<ExcludedTest> excluded) {

  ConformanceFile {
    servers = servers == null ? List.of() : List.copyOf(servers);
    excluded = excluded == null ? List.of() : List.copyOf(excluded);
  }

  /** A Go test function left out as a whole. */
  record ExcludedTest(String test, String reason) {}

  /**
   * A server and the cases run against it.
   *
   * @param test the Go test function(s) these cases come from
   * @param corefile the Corefile; {@code ${NAME}} is replaced by the path of file {@code NAME} (or
   *     of the directory {@code NAME} its files are in) or by the address of stub {@code NAME}
   * @param files files written to a temporary directory before the server starts, by relative path
   * @param stubs upstream servers on 127.0.0.1 answering from tables, by name
   * @param etcd keys and values put into a real etcd started for this server ({@code ${etcd}} in
   *     the Corefile is its URL), for the etcd plugin's cases
   * @param fails when set, the configuration must be rejected at start-up (CoreDNS's error, for
   *     the record) and there are no cases
   * @param cases the queries and what the answers must be
   */
  record ServerSpec(
      String test,
      String corefile,
      String fails,
      Map<String, String> files,
      Map<String, StubSpec> stubs,
      Map<String, String> etcd,
      List<CaseSpec> cases) {

    ServerSpec {
      files = files == null ? Map.of() : Map.copyOf(files);
      etcd = etcd == null ? Map.of() : Map.copyOf(etcd);
      stubs = stubs == null ? Map.of() : Map.copyOf(stubs);
      cases = cases == null ? List.of() : List.copyOf(cases);
    }
  }

  /**
   * An upstream stub: answers each query from the first entry whose name and type match (case
   * insensitive), otherwise with {@code fallback}, otherwise, with {@code echo}, with a TXT record
   * describing the query it received, otherwise REFUSED.
   *
   * @param echo answer unmatched queries with {@code QNAME 5 IN TXT "QNAME TYPE CLASS" "EDNS"
   *     "CODE:HEX"...}, where EDNS is {@code no edns}, {@code edns SIZE} or {@code edns do SIZE}
   *     with the advertised UDP payload size, followed by the query's EDNS0 options: the query as
   *     the plugins before {@code forward} left it, as CoreDNS's tests see it through their echoing
   *     next handler ({@code msgPrinter})
   */
  record StubSpec(List<StubAnswer> answers, StubAnswer fallback, boolean echo) {

    StubSpec {
      answers = answers == null ? List.of() : List.copyOf(answers);
    }
  }

  /**
   * One canned upstream answer.
   *
   * @param qname the name it answers, {@code null} for any
   * @param qtype the type it answers, {@code null} for any
   * @param times how many queries it answers before it is skipped; unlimited when absent (a cache
   *     case sees whether its second query reached the upstream)
   */
  record StubAnswer(
      String qname,
      String qtype,
      Integer times,
      String rcode,
      Map<String, Boolean> flags,
      List<String> answer,
      List<String> ns,
      List<String> extra) {}

  /**
   * A query and the expected response, as the CoreDNS test states it.
   *
   * @param name the CoreDNS case's name, if it has one
   * @param qname the queried name, sent as written (case preserved)
   * @param qtype the queried type mnemonic
   * @param qclass the class mnemonic, IN by default
   * @param doBit whether the query carries EDNS0 with DO set (and a 4096 byte buffer, as CoreDNS's
   *     {@code test.Case} does)
   * @param bufsize an EDNS0 buffer size to advertise without DO
   * @param client the client's source address (a loopback address), 127.0.0.1 by default
   * @param queryFlags header flags the query sets besides RD, e.g. {@code cd}, {@code ad}
   * @param options EDNS0 options the query carries, as {@code CODE:HEX} (implies EDNS0)
   * @param rcode the expected rcode mnemonic, NOERROR by default
   * @param question the question the response must carry, as {@code NAME TYPE}, when the CoreDNS
   *     test checks it
   * @param answer expected answer records in zone-file syntax; a TTL of 303 matches any TTL, as in
   *     CoreDNS's test helpers
   * @param ns expected authority records
   * @param extra expected additional records (the OPT record is checked with {@code opt})
   * @param flags header flags the CoreDNS test checks, e.g. {@code aa: true}
   * @param opt the OPT record the CoreDNS test checks: {@code absent}, or present with its fields
   * @param ordered whether the sections must be in the listed order (the CoreDNS test checks order)
   * @param namesOnly whether records compare by owner name and type only (the CoreDNS test checks
   *     no more, and the data varies, e.g. whoami's port)
   * @param cnameOrder whether no CNAME may follow a record of its target in the answer section
   *     (CoreDNS's {@code test.CNAMEOrder})
   * @param typeOrder groups of types (e.g. {@code CNAME}, {@code A AAAA}, {@code MX}) that the answer
   *     and additional sections must list in this order, whatever the order within a group (other
   *     types may only come last), as CoreDNS's loadbalance tests check
   * @param check which parts are compared, all of rcode, answer, ns, extra by default (some CoreDNS
   *     tests compare the rcode only)
   * @param noResponse the server must not answer (CoreDNS's acl drop): no datagram within a short
   *     wait over UDP, the connection closed or silent over TCP
   * @param transports restricts the case to {@code udp} or {@code tcp}
   * @param ixfrSerial for an IXFR query, the serial of the SOA its authority section carries (RFC
   *     1995): a number, or {@code current} for the serial the server's SOA has (asked first)
   * @param excluded why the case is not run; reported as aborted
   * @param deviation a deliberate difference from CoreDNS (docs/migration.md); the expectations are
   *     then Corvus's answer, and the reason says what CoreDNS answers
   */
  record CaseSpec(
      String name,
      String qname,
      String qtype,
      String qclass,
      @JsonProperty("do") boolean doBit,
      Integer bufsize,
      String client,
      @JsonProperty("query_flags") List<String> queryFlags,
      List<String> options,
      String rcode,
      String question,
      List<String> answer,
      List<String> ns,
      List<String> extra,
      Map<String, Boolean> flags,
      OptSpec opt,
      boolean ordered,
      @JsonProperty("names_only") boolean namesOnly,
      @JsonProperty("cname_order") boolean cnameOrder,
      @JsonProperty("type_order") List<String> typeOrder,
      List<String> check,
      @JsonProperty("no_response") boolean noResponse,
      List<String> transports,
      @JsonProperty("ixfr_serial") String ixfrSerial,
      String excluded,
      String deviation) {

    CaseSpec {
      answer = answer == null ? List.of() : List.copyOf(answer);
      ns = ns == null ? List.of() : List.copyOf(ns);
      extra = extra == null ? List.of() : List.copyOf(extra);
      flags = flags == null ? Map.of() : Map.copyOf(flags);
      check = check == null ? List.of("rcode", "answer", "ns", "extra") : List.copyOf(check);
      transports = transports == null ? List.of("udp", "tcp") : List.copyOf(transports);
    }

    /** How the case is named in reports: the CoreDNS case name, else the question. */
    String title() {
      String question = qname + " " + qtype + (doBit ? " +do" : "") + (client == null ? "" : " from " + client);
      return name == null ? question : name + " (" + question + ")";
    }
  }

  /**
   * The OPT record a case expects in the response.
   *
   * @param absent the response must have no OPT record
   * @param doBit the DO flag it must carry, when given
   * @param bufsize the UDP payload size it must advertise, when given
   * @param options EDNS0 options it must carry, as {@code CODE:HEX} (e.g. {@code 3:6e73})
   */
  record OptSpec(
      boolean absent, @JsonProperty("do") Boolean doBit, Integer bufsize, List<String> options) {}
}
