package dev.corvus.dns.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * {@code corvus test}: test files run against a Corefile served in the process, with the server's
 * test directives ({@code records}, {@code many}, {@code client}, {@code fail}...). Each error
 * path of a test file is checked for its {@code file:line} and exit code.
 */
class TestCommandTest {

  private static final String RECORDS_COREFILE = """
      example.org:1053 {
          records {
              www.example.org. 300 IN A 192.0.2.1
              www.example.org. 300 IN A 192.0.2.2
              mail.example.org. 60 IN MX 10 mx.example.org.
          }
      }
      """;

  private record Result(int status, String out, String err) {}

  private static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of()).run(args);
    return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Path write(Path dir, String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text);
  }

  @Test
  void aPassingSuiteExitsZeroWithOneLinePerFileAndASummary(@TempDir Path dir) throws Exception {
    write(dir, "Corefile", RECORDS_COREFILE);
    Path tests = write(dir, "tests/records.yaml", """
        corefile: ../Corefile
        tests:
          - name: both addresses, in any order
            query: www.example.org A
            expect:
              rcode: NOERROR
              answer:
                - www.example.org. 300 IN A 192.0.2.2
                - www.example.org. IN A 192.0.2.1
          - name: in order when asked
            query: www.example.org
            transport: tcp
            expect:
              ordered: true
              answer:
                - www.example.org. 300 IN A 192.0.2.1
                - www.example.org. 300 IN A 192.0.2.2
              ttl_max: 300
              answer_count: 2
          - query: mail.example.org MX
            expect:
              answer_contains: [mail.example.org. IN MX 10 mx.example.org.]
          - name: no such name
            query: nope.example.org
            expect: { rcode: NXDOMAIN, answer: [] }
          - name: outside every zone
            query: www.example.net
            expect: { rcode: REFUSED }
        """);
    Result result = run("test", tests.toString());
    assertEquals(0, result.status(), result.out() + result.err());
    String[] lines = result.out().strip().split("\n");
    assertEquals(2, lines.length, result.out());
    assertTrue(lines[0].matches("ok {4}\\Q" + tests + "\\E  5 passed \\([0-9.]+s\\)"), lines[0]);
    assertEquals("5 passed, 0 failed", lines[1]);
    assertEquals("", result.err());
  }

  @Test
  void verboseListsPassingCases(@TempDir Path dir) throws Exception {
    write(dir, "Corefile", RECORDS_COREFILE);
    Path tests = write(dir, "t.yaml", """
        corefile: Corefile
        tests:
          - query: www.example.org
            expect: { answer_count: 2 }
        """);
    Result result = run("test", "-v", tests.toString());
    assertEquals(0, result.status(), result.out() + result.err());
    assertTrue(result.out().startsWith("--- PASS: www.example.org. A (" + tests + ":3) ("), result.out());
  }

  @Test
  void aFailingCaseShowsItsQueryWhatWasExpectedAndWhatCameAndExitsOne(@TempDir Path dir) throws Exception {
    write(dir, "Corefile", RECORDS_COREFILE);
    Path tests = write(dir, "t.yaml", """
        corefile: Corefile
        tests:
          - name: passes
            query: www.example.org
            expect: { rcode: NOERROR }
          - name: wrong address
            query: www.example.org
            expect:
              rcode: NXDOMAIN
              flags: [-aa]
              answer:
                - www.example.org. 300 IN A 192.0.2.1
                - www.example.org. 300 IN A 192.0.2.9
        """);
    Result result = run("test", tests.toString());
    assertEquals(1, result.status(), result.out() + result.err());
    assertEquals("""
        --- FAIL: wrong address (%1$s:6)
            www.example.org. A over udp from 127.0.0.1 to dns://:1053
            rcode: expected NXDOMAIN, got NOERROR
            answer: 1 missing (-), 1 unexpected record (+)
                  www.example.org. 300 IN A 192.0.2.1
                - www.example.org. 300 IN A 192.0.2.9
                + www.example.org. 300 IN A 192.0.2.2
            flags: aa: expected clear, got set (flags: qr aa rd)
        """.formatted(tests), result.out().substring(0, result.out().indexOf("FAIL  ")));
    assertTrue(result.out().contains("FAIL  " + tests + "  1 passed, 1 failed ("), result.out());
    assertTrue(result.out().endsWith("1 passed, 1 failed\n"), result.out());
  }

  @Test
  void anOrderedSectionIsDiffedInOrder(@TempDir Path dir) throws Exception {
    write(dir, "Corefile", RECORDS_COREFILE);
    Path tests = write(dir, "t.yaml", """
        corefile: Corefile
        tests:
          - query: www.example.org
            expect:
              ordered: true
              answer:
                - www.example.org. 300 IN A 192.0.2.2
                - www.example.org. 300 IN A 192.0.2.1
        """);
    Result result = run("test", tests.toString());
    assertEquals(1, result.status());
    assertTrue(result.out().contains("""
            answer: 1 missing (-), 1 unexpected record (+), in order
                - www.example.org. 300 IN A 192.0.2.2
                  www.example.org. 300 IN A 192.0.2.1
                + www.example.org. 300 IN A 192.0.2.2
        """), result.out());
  }

  @Test
  void theClientAddressAndTransportReachThePlugins(@TempDir Path dir) throws Exception {
    write(dir, "Corefile", ".:1053 {\n    client\n}\n");
    Path tests = write(dir, "t.yaml", """
        corefile: Corefile
        tests:
          - query: who.example TXT
            client: 10.244.1.5
            expect:
              answer: ['who.example. 0 IN TXT "10.244.1.5 udp"']
          - query: who.example TXT
            client: "[2001:db8::7]:5353"
            transport: tcp
            expect:
              answer: ['who.example. IN TXT "2001:db8:0:0:0:0:0:7 tcp"']
          - name: the default client is loopback
            query: who.example TXT
            expect:
              answer: ['who.example. IN TXT "127.0.0.1 udp"']
        """);
    Result result = run("test", tests.toString());
    assertEquals(0, result.status(), result.out() + result.err());
  }

  @Test
  void udpAnswersAreTruncatedToTheClientsPayloadSizeAndTcpAnswersAreWhole(@TempDir Path dir) throws Exception {
    write(dir, "Corefile", ".:1053 {\n    many 100\n}\n");
    Path tests = write(dir, "t.yaml", """
        corefile: Corefile
        tests:
          - name: no EDNS, 512 bytes; whole RRsets only, so none fits
            query: big.example
            edns: false
            expect: { flags: [tc], answer_count: 0 }
          - name: EDNS with 1232 bytes by default
            query: big.example
            expect: { flags: [tc], answer_count: 0 }
          - name: 100 A records with the header, question and OPT record take 1,640 bytes
            query: big.example
            bufsize: 1640
            expect: { flags: [-tc], answer_count: 100 }
          - name: one byte less
            query: big.example
            bufsize: 1639
            expect: { flags: [tc] }
          - name: a larger payload size
            query: big.example
            bufsize: 4096
            expect: { flags: [-tc], answer_count: 100 }
          - name: TCP
            query: big.example
            transport: tcp
            edns: false
            expect: { flags: [-tc], answer_count: 100 }
        """);
    Result result = run("test", tests.toString());
    assertEquals(0, result.status(), result.out() + result.err());
  }

  @Test
  void theDoBitIsSentAndMirrored(@TempDir Path dir) throws Exception {
    write(dir, "Corefile", RECORDS_COREFILE);
    Path tests = write(dir, "t.yaml", """
        corefile: Corefile
        tests:
          - query: www.example.org
            dnssec: true
            expect: { flags: [do] }
          - query: www.example.org
            expect: { flags: [-do] }
        """);
    Result result = run("test", tests.toString());
    assertEquals(0, result.status(), result.out() + result.err());
  }

  @Test
  void aDroppedQueryIsNoResponse(@TempDir Path dir) throws Exception {
    write(dir, "Corefile", ".:1053 {\n    fail drop\n}\n");
    Path tests = write(dir, "t.yaml", """
        corefile: Corefile
        tests:
          - query: x.example
            expect: { no_response: true }
          - name: expected an answer
            query: x.example
            expect: { rcode: NOERROR }
        """);
    Result result = run("test", tests.toString());
    assertEquals(1, result.status(), result.out() + result.err());
    assertTrue(result.out().contains("--- FAIL: expected an answer (" + tests + ":5)\n"
        + "    x.example. A over udp from 127.0.0.1 to dns://:1053\n"
        + "    response: none: the server dropped the query\n"), result.out());
  }

  @Test
  void serverNamesTheBlockAndItsListenerRoutesAsForAClient(@TempDir Path dir) throws Exception {
    write(dir, "Corefile", """
        example.org:1053 {
            records {
                www.example.org. 60 IN A 192.0.2.53
            }
        }
        example.org:1054 {
            records {
                www.example.org. 60 IN A 192.0.2.54
            }
        }
        .:1054 {
            client
        }
        """);
    Path tests = write(dir, "t.yaml", """
        corefile: Corefile
        tests:
          - name: the first block serving the name by default
            query: www.example.org
            expect: { answer: [www.example.org. 60 IN A 192.0.2.53] }
          - query: www.example.org
            server: example.org:1054
            expect: { answer: [www.example.org. 60 IN A 192.0.2.54] }
          - name: the key as logs write it
            query: www.example.org
            server: dns://example.org.:1054
            expect: { answer: [www.example.org. 60 IN A 192.0.2.54] }
          - name: the listener's longest zone wins, as for a client of port 1054
            query: www.example.net TXT
            server: dns://example.org:1054
            expect: { answer: ['www.example.net. IN TXT "127.0.0.1 udp"'] }
          - name: a name no block of the listener serves
            query: www.example.net
            server: example.org:1053
            expect: { rcode: REFUSED }
        """);
    Result result = run("test", tests.toString());
    assertEquals(0, result.status(), result.out() + result.err());
  }

  @Test
  void anUnknownServerKeyIsAnErrorAtItsLineWithDidYouMean(@TempDir Path dir) throws Exception {
    write(dir, "Corefile", RECORDS_COREFILE);
    Path tests = write(dir, "t.yaml", """
        corefile: Corefile
        tests:
          - query: www.example.org
            server: example.org:1054
            expect: { rcode: NOERROR }
          - query: www.example.org
            server: tls://example.org:1053
            expect: { rcode: NOERROR }
        """);
    Result result = run("test", tests.toString());
    assertEquals(2, result.status());
    assertEquals(tests + ":4: server: no server block of " + dir.resolve("Corefile")
        + " has the key \"example.org:1054\", did you mean \"dns://example.org.:1053\"?\n"
        + tests + ":7: server: no server block of " + dir.resolve("Corefile")
        + " has the key \"tls://example.org:1053\", did you mean \"dns://example.org.:1053\"?\n", result.err());
  }

  @Test
  void malformedYamlIsReportedAtItsLineAndExitsTwo(@TempDir Path dir) throws Exception {
    write(dir, "Corefile", RECORDS_COREFILE);
    Path tests = write(dir, "t.yaml", """
        corefile: Corefile
        tests:
          - query: www.example.org
            expect: { rcode: NOERROR
          - query: x
        """);
    Result result = run("test", tests.toString());
    assertEquals(2, result.status());
    assertTrue(result.err().startsWith(tests + ":5: not valid YAML: "), result.err());
    assertEquals("FAIL  " + tests + "  not run: the test file has 1 error\n0 passed, 0 failed, 1 file not run\n",
        result.out());
  }

  @Test
  void unknownKeysAreReportedAtTheirLineWithDidYouMean(@TempDir Path dir) throws Exception {
    write(dir, "Corefile", RECORDS_COREFILE);
    Path tests = write(dir, "t.yaml", """
        corefile: Corefile
        test:
          - query: x
        tests:
          - query: www.example.org
            transprt: tcp
            expect:
              rcod: NOERROR
              flags: [aa, -tcc]
          - query: www.example.org
            expect: { rcode: NOERRR, rcode: NOERROR, frobnicate: 1 }
        """);
    Result result = run("test", tests.toString());
    assertEquals(2, result.status());
    assertEquals(List.of(
        tests + ":2: unknown key \"test\", did you mean \"tests\"?",
        tests + ":6: unknown key \"transprt\", did you mean \"transport\"?",
        tests + ":8: expect: unknown key \"rcod\", did you mean \"rcode\"?",
        tests + ":9: flags: unknown flag \"-tcc\", did you mean \"-tc\"?",
        tests + ":11: expect: \"rcode\" is given twice (first on line 11)",
        tests + ":11: expect: unknown key \"frobnicate\"; expected rcode, answer, authority, additional, ordered,"
            + " answer_contains, flags, ttl_max, answer_count, no_response",
        tests + ":11: rcode: unknown rcode \"NOERRR\", did you mean \"NOERROR\"?"),
        List.of(result.err().strip().split("\n")));
  }

  @Test
  void badQueriesAndRecordsAreReportedAtTheirLine(@TempDir Path dir) throws Exception {
    write(dir, "Corefile", RECORDS_COREFILE);
    Path tests = write(dir, "t.yaml", """
        corefile: Corefile
        tests:
          - query: www.example.org AAA
            expect: { rcode: NOERROR }
          - query: a b c d
            expect: { rcode: NOERROR }
          - query: www.example.org XX A
            client: www.example.org
            expect: { rcode: NOERROR }
          - query: www..example.org
            transport: quic
            expect:
              answer:
                - www.example.org. 300 IN A 192.0.2.300
                - www.example.org. 300 IN AAA ::1
                - www.example.org.
          - query: www.example.org
            edns: false
            dnssec: true
            bufsize: 70000
            expect: { ordered: true }
          - query: www.example.org
          - query: www.example.org
            expect: {}
        """);
    Result result = run("test", tests.toString());
    assertEquals(2, result.status());
    assertEquals(List.of(
        tests + ":3: query: unknown record type \"AAA\", did you mean \"AAAA\"?",
        tests + ":5: query: expected NAME [TYPE] or NAME CLASS TYPE, e.g. \"www.example.org AAAA\"",
        tests + ":7: query: unknown class \"XX\": expected IN, CH, HS, NONE, ANY or CLASSnn",
        tests + ":8: client: expected an IP address, optionally with a port (10.0.0.1, 10.0.0.1:5353,"
            + " [2001:db8::1]:5353), not \"www.example.org\"",
        tests + ":10: query: \"www..example.org\" is not a domain name (invalid empty label)",
        tests + ":11: transport: expected udp or tcp, not \"quic\"",
        tests + ":14: answer: bad A data \"192.0.2.300\": invalid address: 192.0.2.300",
        tests + ":15: answer: unknown record type \"AAA\", did you mean \"AAAA\"?",
        tests + ":16: answer: expected OWNER [TTL] [CLASS] TYPE RDATA, e.g. \"www.example.org. 300 IN A 192.0.2.1\"",
        tests + ":18: edns: a query without EDNS has no DO bit; leave out dnssec or edns",
        tests + ":20: bufsize: expected a whole number from 0 to 65535",
        tests + ":21: expect: ordered applies to answer, authority and additional; none is given",
        tests + ":22: missing expect (what the response must be)",
        tests + ":24: expect: nothing to check; give at least one of rcode, answer, authority, additional,"
            + " ordered, answer_contains, flags, ttl_max, answer_count, no_response"),
        List.of(result.err().strip().split("\n")));
  }

  @Test
  void aMissingCorefileIsAnErrorOfTheTestFile(@TempDir Path dir) throws Exception {
    Path tests = write(dir, "tests/t.yaml", """
        # the Corefile moved
        corefile: ../conf/Corefile
        tests:
          - query: www.example.org
            expect: { rcode: NOERROR }
        """);
    Result result = run("test", tests.toString());
    assertEquals(2, result.status());
    assertEquals(tests + ":2: corefile: cannot read " + dir.resolve("conf/Corefile") + ": no such file\n",
        result.err());
  }

  @Test
  void aMissingTestFileOrKeyIsReported(@TempDir Path dir) throws Exception {
    Path tests = write(dir, "t.yaml", "tests: []\n");
    Result result = run("test", tests.toString(), dir.resolve("absent.yaml").toString());
    assertEquals(2, result.status());
    assertEquals(tests + ":1: missing corefile (the Corefile to test, relative to this file)\n"
        + tests + ":1: tests: expected a list of cases, each with a query and what to expect\n"
        + dir.resolve("absent.yaml") + ": cannot read: no such file\n", result.err());
    assertTrue(result.out().endsWith("0 passed, 0 failed, 2 files not run\n"), result.out());
  }

  @Test
  void aCorefileErrorIsReportedAsCheckReportsItAndExitsOne(@TempDir Path dir) throws Exception {
    Path corefile = write(dir, "Corefile", """
        .:53 {
            many three
            recrods
        }
        """);
    Path tests = write(dir, "t.yaml", """
        corefile: Corefile
        tests:
          - query: www.example.org
            expect: { rcode: NOERROR }
        """);
    Result result = run("test", tests.toString());
    Result check = run("check", "-conf", corefile.toString());
    assertEquals(1, result.status());
    assertEquals(1, check.status());
    assertEquals(check.err(), result.err());
    assertEquals(2, result.err().strip().split("\n").length, result.err());
    assertEquals("FAIL  " + tests + "  not run: the configuration did not start\n0 passed, 0 failed, 1 file not run\n",
        result.out());
  }

  @Test
  void aConfigurationThatIsNeverReadyDoesNotRun(@TempDir Path dir) throws Exception {
    write(dir, "Corefile", ".:1053 {\n    unready\n    client\n}\n");
    Path tests = write(dir, "t.yaml", """
        corefile: Corefile
        tests:
          - query: www.example.org TXT
            expect: { rcode: NOERROR }
        """);
    Result result = run("test", "-timeout", "200ms", tests.toString());
    assertEquals(1, result.status(), result.out() + result.err());
    assertEquals("not ready after 200ms: unready\n", result.err());
  }

  @Test
  void nothingIsBoundOnTheConfiguredPorts(@TempDir Path dir) throws Exception {
    // A port someone else holds: serving the Corefile would fail to bind it.
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      write(dir, "Corefile", ".:" + port + " {\n    bind 127.0.0.1\n    client\n}\n");
      Path tests = write(dir, "t.yaml", """
          corefile: Corefile
          server: dns://.:%d
          tests:
            - query: x.example TXT
              transport: tcp
              expect: { answer: ['x.example. IN TXT "127.0.0.1 tcp"'] }
          """.formatted(port));
      Result result = run("test", "-v", tests.toString());
      assertEquals(0, result.status(), result.out() + result.err());
      assertTrue(result.out().contains("--- PASS: x.example. TXT"), result.out());
    }
  }

  @Test
  void aDirectoryStandsForItsYamlFilesAndEveryFileRuns(@TempDir Path dir) throws Exception {
    write(dir, "Corefile", RECORDS_COREFILE);
    write(dir, "tests/a.yaml", "corefile: ../Corefile\ntests:\n  - query: www.example.org\n    expect: { answer_count: 2 }\n");
    write(dir, "tests/b.yml", "corefile: ../Corefile\ntests:\n  - query: www.example.org\n    expect: { answer_count: 3 }\n");
    write(dir, "tests/notes.txt", "not a test file");
    Result result = run("test", dir.resolve("tests").toString());
    assertEquals(1, result.status(), result.out() + result.err());
    assertTrue(result.out().contains("ok    " + dir.resolve("tests/a.yaml") + "  1 passed"), result.out());
    assertTrue(result.out().contains("FAIL  " + dir.resolve("tests/b.yml") + "  0 passed, 1 failed"), result.out());
    assertTrue(result.out().endsWith("1 passed, 1 failed\n"), result.out());
  }

  @Test
  void aMalformedFileMakesTheRunExitTwoEvenWhenOthersFail(@TempDir Path dir) throws Exception {
    write(dir, "Corefile", RECORDS_COREFILE);
    Path failing = write(dir, "a.yaml", "corefile: Corefile\ntests:\n  - query: www.example.org\n    expect: { answer_count: 3 }\n");
    Path malformed = write(dir, "b.yaml", "corefile: Corefile\ntests:\n  - query: www.example.org\n");
    Result result = run("test", failing.toString(), malformed.toString());
    assertEquals(2, result.status(), result.out() + result.err());
    assertTrue(result.out().endsWith("0 passed, 1 failed, 1 file not run\n"), result.out());
  }

  @Test
  void withoutFilesTheUsageIsShown() {
    Result result = run("test");
    assertEquals(2, result.status());
    assertTrue(result.err().startsWith("corvus test: missing FILE\nusage: corvus test "), result.err());
  }

  @Test
  void junitXmlHasASuitePerFileAndAFailurePerFailingCase(@TempDir Path dir) throws Exception {
    write(dir, "Corefile", RECORDS_COREFILE);
    Path passing = write(dir, "a.yaml", """
        corefile: Corefile
        tests:
          - name: passes & <escapes>
            query: www.example.org
            expect: { answer_count: 2 }
          - name: fails
            query: www.example.org
            expect: { rcode: NXDOMAIN }
        """);
    Path malformed = write(dir, "b.yaml", "corefile: Corefile\ntests:\n  - query: www.example.org\n");
    Path report = dir.resolve("report.xml");
    Result result = run("test", "--junit", report.toString(), passing.toString(), malformed.toString());
    assertEquals(2, result.status(), result.out() + result.err());

    Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile());
    Element root = xml.getDocumentElement();
    assertEquals("testsuites", root.getTagName());
    assertEquals("3", root.getAttribute("tests"));
    assertEquals("1", root.getAttribute("failures"));
    assertEquals("1", root.getAttribute("errors"));
    NodeList suites = root.getElementsByTagName("testsuite");
    assertEquals(2, suites.getLength());
    Element first = (Element) suites.item(0);
    assertEquals(passing.toString(), first.getAttribute("name"));
    assertEquals("2", first.getAttribute("tests"));
    assertEquals("1", first.getAttribute("failures"));
    NodeList cases = first.getElementsByTagName("testcase");
    assertEquals("passes & <escapes>", ((Element) cases.item(0)).getAttribute("name"));
    assertEquals("3", ((Element) cases.item(0)).getAttribute("line"));
    assertEquals(0, ((Element) cases.item(0)).getElementsByTagName("failure").getLength());
    Element failure = (Element) ((Element) cases.item(1)).getElementsByTagName("failure").item(0);
    assertEquals("rcode: expected NXDOMAIN, got NOERROR", failure.getAttribute("message"));
    assertTrue(failure.getTextContent().startsWith("www.example.org. A over udp from 127.0.0.1 to dns://:1053\n"
        + "rcode: expected NXDOMAIN, got NOERROR\n\nresponse:\n;; ->>HEADER<<-"), failure.getTextContent());
    Element second = (Element) suites.item(1);
    assertEquals("1", second.getAttribute("errors"));
    Element error = (Element) second.getElementsByTagName("error").item(0);
    assertEquals("the test file is not valid", error.getAttribute("message"));
    assertEquals(malformed + ":3: missing expect (what the response must be)", error.getTextContent());
  }

  @Test
  void aReportThatCannotBeWrittenFailsTheRun(@TempDir Path dir) throws Exception {
    write(dir, "Corefile", RECORDS_COREFILE);
    Path tests = write(dir, "t.yaml", "corefile: Corefile\ntests:\n  - query: www.example.org\n    expect: { answer_count: 2 }\n");
    Result result = run("test", "--junit", dir.resolve("no/such/dir/report.xml").toString(), tests.toString());
    assertEquals(1, result.status());
    assertTrue(result.err().startsWith("corvus test: cannot write " + dir.resolve("no/such/dir/report.xml") + ": "),
        result.err());
    assertFalse(result.err().contains("Exception"), result.err());
  }
}
