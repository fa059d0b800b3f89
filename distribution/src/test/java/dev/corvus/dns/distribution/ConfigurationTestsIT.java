package dev.corvus.dns.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

/**
 * {@code bin/corvus test} on the assembled distribution, run as a process as a user runs it: the
 * demo cluster's shipped tests pass, the example of docs/testing-configurations.md gives the
 * output that page shows, and the exit status says what happened. (Not named {@code TestCommandIT}:
 * Surefire would also run a class whose name starts with {@code Test} as a unit test, before the
 * distribution is assembled.)
 */
class ConfigurationTestsIT {

  private static final Pattern FENCE = Pattern.compile("(?m)^(```|~~~) ?([^\\n]*)\\n(.*?)^\\1[ \\t]*$", Pattern.DOTALL);
  private static final Pattern FILE = Pattern.compile("file=(\\S+)");
  private static final Pattern SECONDS = Pattern.compile("\\([0-9]+\\.[0-9]{3}s\\)");

  /**
   * The shipped tests of the demo cluster, run from the distribution's directory. Its Corefile is
   * changed only where it would reach outside this machine or bind a port: {@code forward} goes to
   * a stub on loopback (the {@code loop} plugin probes through it at start), and the HTTP
   * endpoints name ports this test holds, which the command must not try to bind.
   */
  @Test
  void theDemoClustersTestsPassWithoutBindingTheConfiguredPorts(@TempDir Path dir) throws Exception {
    DistributionCopy copy = DistributionCopy.of(dir.resolve("corvus"));
    try (UpstreamStub upstream = new UpstreamStub();
        ServerSocket health = held(); ServerSocket ready = held(); ServerSocket metrics = held();
        ServerSocket admin = held()) {
      Path corefile = copy.home().resolve("conf/Corefile.cluster-demo");
      String text = Files.readString(corefile);
      text = replaceOnce(text, "forward . /etc/resolv.conf {", "forward . " + upstream.hostAndPort() + " {");
      text = replaceOnce(text, "health 127.0.0.1:8080 {", "health 127.0.0.1:" + health.getLocalPort() + " {");
      text = replaceOnce(text, "ready 127.0.0.1:8181", "ready 127.0.0.1:" + ready.getLocalPort());
      text = replaceOnce(text, "prometheus 127.0.0.1:9153", "prometheus 127.0.0.1:" + metrics.getLocalPort());
      text = replaceOnce(text, "admin 127.0.0.1:9154 {", "admin 127.0.0.1:" + admin.getLocalPort() + " {");
      Files.writeString(corefile, text);
      Files.writeString(copy.home().resolve("tests/forwarded.yaml"), """
          corefile: ../conf/Corefile.cluster-demo
          tests:
            - name: a name outside the cluster goes to the upstream
              query: www.example.org
              expect:
                rcode: NOERROR
                answer: [www.example.org. IN A 192.0.2.10]
                ttl_max: 30
            - name: an ExternalName Service is a CNAME to a name outside the cluster
              query: search.demo.svc.cluster.local
              expect:
                answer_contains: [search.demo.svc.cluster.local. IN CNAME www.example.org.]
          """);

      CorvusProcess.Result result = copy.run(copy.home(), "test", "--junit", "report.xml", "tests/cluster-demo.yaml",
          "tests/forwarded.yaml");

      String out = result.output();
      assertEquals(0, result.status(), out);
      assertTrue(out.contains("ok    tests/cluster-demo.yaml  12 passed ("), out);
      assertTrue(out.contains("ok    tests/forwarded.yaml  2 passed ("), out);
      assertTrue(out.endsWith("14 passed, 0 failed\n"), out);
      // The configuration's own warnings may show (on a loaded machine the kubernetes plugin warns
      // that it started unsynced after 5 s); errors and stack traces may not.
      assertFalse(out.contains("Exception") || out.contains("[ERROR]"), out);
      assertTrue(upstream.questionsFor(org.xbill.DNS.Name.fromString("www.example.org.")) > 0,
          "the forwarded case was answered by the upstream");
      Element report = DocumentBuilderFactory.newInstance().newDocumentBuilder()
          .parse(copy.home().resolve("report.xml").toFile()).getDocumentElement();
      assertEquals("14", report.getAttribute("tests"));
      assertEquals("0", report.getAttribute("failures"));
      assertEquals("0", report.getAttribute("errors"));
      assertEquals(2, report.getElementsByTagName("testsuite").getLength());
    }
  }

  /** docs/testing-configurations.md's example, its files taken from the page: the output the page shows. */
  @Test
  void theDocumentedExampleGivesTheDocumentedOutput(@TempDir Path dir) throws Exception {
    String page = Files.readString(DocumentationTest.sourceRoot().resolve("docs/testing-configurations.md"));
    List<String> outputs = new ArrayList<>();
    Matcher block = FENCE.matcher(page);
    while (block.find()) {
      Matcher file = FILE.matcher(block.group(2));
      if (file.find()) {
        Files.writeString(dir.resolve(file.group(1)), block.group(3));
      } else if (block.group(3).startsWith("$ corvus test dns-tests.yaml\n")) {
        outputs.add(block.group(3).substring(block.group(3).indexOf('\n') + 1));
      }
    }
    assertEquals(2, outputs.size(), "a passing and a failing run are shown");

    CorvusProcess.Result passing = CorvusProcess.run(dir, "test", "dns-tests.yaml");
    assertEquals(0, passing.status(), passing.output());
    assertEquals(withoutTimes(outputs.get(0)), withoutTimes(passing.output()));

    Path zone = dir.resolve("db.corp.example");
    Files.writeString(zone, replaceOnce(Files.readString(zone), "IN A   10.0.1.11", "IN A   10.0.1.12"));
    CorvusProcess.Result failing = CorvusProcess.run(dir, "test", "dns-tests.yaml");
    assertEquals(1, failing.status(), failing.output());
    assertEquals(withoutTimes(outputs.get(1)), withoutTimes(failing.output()));
  }

  @Test
  void aMalformedTestFileExitsTwoAndABrokenCorefileOne(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("Corefile"), ".:1053 {\n    cache 30 {\n        sucess 1000\n    }\n}\n");
    Files.writeString(dir.resolve("malformed.yaml"), """
        corefile: Corefile
        tests:
          - query: www.example.org
            expect:
              rcod: NOERROR
        """);
    Files.writeString(dir.resolve("broken.yaml"), """
        corefile: Corefile
        tests:
          - query: www.example.org
            expect: { rcode: NOERROR }
        """);

    CorvusProcess.Result malformed = CorvusProcess.run(dir, "test", "malformed.yaml");
    assertEquals(2, malformed.status(), malformed.output());
    assertTrue(malformed.output().contains("malformed.yaml:5: expect: unknown key \"rcod\", did you mean \"rcode\"?"),
        malformed.output());

    CorvusProcess.Result broken = CorvusProcess.run(dir, "test", "broken.yaml");
    CorvusProcess.Result check = CorvusProcess.run(dir, "check", "-conf", "Corefile");
    assertEquals(1, broken.status(), broken.output());
    String checkError = check.output().strip();
    assertTrue(checkError.startsWith("Corefile:3: cache: "), check.output());
    assertTrue(broken.output().startsWith(checkError + "\n"), "reported as corvus check reports it:\n" + broken.output());
  }

  private static ServerSocket held() throws Exception {
    return new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
  }

  private static String withoutTimes(String output) {
    return SECONDS.matcher(output).replaceAll("(TIME)");
  }

  private static String replaceOnce(String text, String target, String replacement) {
    int at = text.indexOf(target);
    if (at < 0 || text.indexOf(target, at + 1) >= 0) {
      throw new AssertionError("expected \"" + target + "\" exactly once in:\n" + text);
    }
    return text.substring(0, at) + replacement + text.substring(at + target.length());
  }
}
