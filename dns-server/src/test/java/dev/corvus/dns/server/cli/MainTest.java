package dev.corvus.dns.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.corvus.dns.server.testplugins.PluginJars;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

  private record Result(int status, String out, String err) {}

  private static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of()).run(args);
    return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void checkAcceptsAValidCorefile(@TempDir Path dir) throws Exception {
    Path corefile = Files.writeString(dir.resolve("Corefile"), ".:53 {\n    many 3\n}\n");
    Result result = run("check", "-conf", corefile.toString());
    assertEquals(0, result.status(), result.err());
    assertTrue(result.out().contains("OK"), result.out());
  }

  @Test
  void checkReportsEveryErrorWithFileAndLineAndExitsOne(@TempDir Path dir) throws Exception {
    Path corefile = Files.writeString(dir.resolve("Corefile"), """
        .:53 {
            many three
            recrods
        }
        """);
    Result result = run("check", "-conf", corefile.toString());
    assertEquals(1, result.status());
    String[] lines = result.err().strip().split("\n");
    assertEquals(2, lines.length, result.err());
    assertTrue(lines[0].startsWith(corefile + ":2: many: "), lines[0]);
    assertTrue(lines[1].startsWith(corefile + ":3: unknown directive 'recrods'; did you mean 'records'?"), lines[1]);
    assertTrue(!result.err().contains("Exception"), "no stack trace");
  }

  @Test
  void checkReportsGrammarErrors(@TempDir Path dir) throws Exception {
    Path corefile = Files.writeString(dir.resolve("Corefile"), ".:53 {\n    many 3\n");
    Result result = run("check", "-conf", corefile.toString());
    assertEquals(1, result.status());
    assertTrue(result.err().startsWith(corefile + ":1: "), result.err());
  }

  @Test
  void pluginsListsDirectivesInChainOrderWithTheirPlacement() {
    Result result = run("plugins");
    assertEquals(0, result.status(), result.err());
    String out = result.out();
    assertTrue(out.contains("bind") && out.contains("plugin.cfg"), out);
    assertTrue(out.indexOf("bind ") < out.indexOf("records "), "bind runs before records: " + out);
    assertTrue(out.contains("before whoami"), out);
  }

  @Test
  void pluginsListsAJarFromThePluginsDirectory(@TempDir Path dir) throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    String source = """
        package com.example;
        public final class Hello implements dev.corvus.dns.api.plugin.PluginFactory {
          public String directive() { return "hello"; }
          public dev.corvus.dns.api.plugin.Placement placement() {
            return dev.corvus.dns.api.plugin.Placement.before("forward");
          }
          public dev.corvus.dns.api.plugin.Plugin create(dev.corvus.dns.api.config.ConfigReader c,
              dev.corvus.dns.api.plugin.PluginContext x) { return dev.corvus.dns.api.plugin.Plugin.none(); }
        }
        """;
    Path jar = PluginJars.build(dir, "hello", Map.of("com.example.Hello", source),
        java.util.List.of("com.example.Hello"), Map.of("Implementation-Version", "4.2"));
    Files.move(jar, plugins.resolve("hello.jar"));
    Result result = run("plugins", "-plugins", plugins.toString());
    assertEquals(0, result.status(), result.err());
    String line = result.out().lines().filter(l -> l.contains(" hello ")).findFirst().orElseThrow();
    assertTrue(line.contains("before forward") && line.contains("4.2") && line.contains("hello.jar"), line);

    Path corefile = Files.writeString(dir.resolve("Corefile"), ".:53 {\n    hello\n}\n");
    assertEquals(0, run("check", "-conf", corefile.toString(), "-plugins", plugins.toString()).status());
  }

  @Test
  void queryAsksAServerAndPrintsTheAnswerAsDigDoes() throws Exception {
    String corefile = ".:0 {\n records {\n a.example. 300 IN A 192.0.2.1\n }\n}\n";
    try (dev.corvus.dns.server.Corvus server =
        dev.corvus.dns.server.Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      String at = "@127.0.0.1:" + server.udpAddress().getPort();
      for (String transport : new String[] {"", "+tcp"}) {
        Result result = transport.isEmpty() ? run("query", at, "a.example", "A") : run("query", at, "a.example", "A", transport);
        assertEquals(0, result.status(), result.err());
        assertTrue(result.out().contains("status: NOERROR"), result.out());
        assertTrue(result.out().matches("(?s).*a\\.example\\.\\s+300\\s+IN\\s+A\\s+192\\.0\\.2\\.1.*"), result.out());
        assertTrue(result.out().contains(transport.isEmpty() ? "(UDP)" : "(TCP)"), result.out());
      }
    }
  }

  @Test
  void doctorPrintsEveryFindingWithWhereItComesFromAndExitsOneOnAProblem(@TempDir Path dir) throws Exception {
    Path corefile = Files.writeString(dir.resolve("Corefile"), """
        .:53 {
            checked OK "answers"
        }
        example.:53 {
            checked PROBLEM "cannot reach it; fix the address"
        }
        """);
    Result result = run("doctor", "-conf", corefile.toString());
    assertEquals(1, result.status(), result.out() + result.err());
    String out = result.out();
    assertTrue(out.contains("OK       " + corefile + ": valid, 2 server blocks"), out);
    assertTrue(out.contains("OK       Corefile:2 checked: the thing: answers"), out);
    assertTrue(out.contains("PROBLEM  Corefile:5 checked: the thing: cannot reach it; fix the address"), out);
    assertTrue(out.strip().endsWith("1 problem, 0 warnings"), out);
  }

  @Test
  void doctorWithoutProblemsExitsZeroAndABrokenCorefileIsAProblem(@TempDir Path dir) throws Exception {
    Path good = Files.writeString(dir.resolve("Corefile"), ".:53 {\n    checked WARNING \"slow\"\n}\n");
    Result fine = run("doctor", "-conf", good.toString());
    assertEquals(0, fine.status(), fine.out());
    assertTrue(fine.out().contains("no problems found (0 problems, 1 warning)"), fine.out());

    Path broken = Files.writeString(dir.resolve("Broken"), ".:53 {\n    recrods\n}\n");
    Result bad = run("doctor", "-conf", broken.toString());
    assertEquals(1, bad.status());
    assertTrue(bad.out().contains("PROBLEM  Corefile: " + broken + ":2: unknown directive 'recrods'"), bad.out());
    assertEquals(2, run("doctor").status(), "-conf is required");
  }

  @Test
  void explainAndInspectSayWhenNoAdminEndpointAnswers() throws Exception {
    int closed;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    Result explain = run("explain", "-admin", "127.0.0.1:" + closed, "www.example.org");
    assertEquals(1, explain.status());
    assertTrue(explain.err().contains("cannot reach the admin endpoint at 127.0.0.1:" + closed), explain.err());
    assertTrue(explain.err().contains("'admin' directive"), explain.err());
    assertEquals(2, run("explain").status(), "a name is required");
    Result missingValue = run("explain", "www.example.org", "-admin");
    assertEquals(2, missingValue.status());
    assertTrue(missingValue.err().contains("-admin needs a value"), missingValue.err());
    assertEquals(2, run("inspect", "cache", "--admin").status());
    assertEquals(1, run("inspect", "-admin", "127.0.0.1:" + closed, "cache").status());
  }

  @Test
  void explainAndInspectAskTheAdminEndpointWhatTheCommandLineSays() throws Exception {
    List<String> requests = new CopyOnWriteArrayList<>();
    HttpServer admin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    admin.createContext("/", exchange -> {
      requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
      byte[] body = "answer\n".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    admin.start();
    try {
      String at = "localhost:" + admin.getAddress().getPort();
      Result explain = run("explain", "-admin", at, "www.example.org", "aaaa", "--client", "10.0.0.7", "--json");
      assertEquals(0, explain.status(), explain.err());
      assertEquals("answer\n", explain.out());
      assertEquals(0, run("inspect", "--admin", at, "cache", "flush", "name=a.example").status());
      assertEquals(0, run("inspect", "-admin", at, "config").status());
      assertEquals(0, run("inspect", "-admin", at).status());
      assertEquals(List.of(
          "GET /explain?name=www.example.org.&type=AAAA&client=10.0.0.7&format=json",
          "POST /inspect/cache/flush?name=a.example",
          "GET /config",
          "GET /inspect/"), requests);
    } finally {
      admin.stop(0);
    }
  }

  @Test
  void unknownFlagsPrintUsage() {
    Result result = run("-nonsense");
    assertEquals(2, result.status());
    assertTrue(result.err().contains("usage: corvus"), result.err());
  }
}
