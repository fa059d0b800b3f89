package dev.corvus.dns.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.server.testplugins.PluginJars;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every subcommand's failures, as a user sees them: one line naming the subcommand, what went wrong
 * and what was expected (followed by the usage line for a usage error, exit 2), never an exception's
 * name or a stack trace. Servers that refuse, stay silent or answer garbage are real sockets on
 * 127.0.0.1.
 */
class CliFailuresTest {

  /** What the test resolver knows besides literals and localhost. */
  private static final Map<String, InetAddress> HOSTS = Map.of("dns.test", InetAddress.getLoopbackAddress());
  /** Long enough that only the rows about timeouts ever wait for one. */
  private static final ClientSettings PATIENT = new ClientSettings(CliFailuresTest::resolve, Duration.ofSeconds(10),
      Duration.ofSeconds(10));
  private static final ClientSettings IMPATIENT = new ClientSettings(CliFailuresTest::resolve, Duration.ofMillis(300),
      Duration.ofMillis(300));

  @TempDir
  static Path dir;

  private static final List<AutoCloseable> servers = new ArrayList<>();
  private static int closedTcp;
  private static int closedUdp;
  private static int silentUdp;
  private static int silentTcp;
  private static int garbageUdp;
  private static int wrongIdUdp;
  private static int garbageTcp;
  private static int hangUpTcp;
  private static int http;
  private static int notHttp;
  private static DatagramSocket busyDnsPort;

  @BeforeAll
  static void startServers() throws IOException {
    closedTcp = closedTcpPort();
    closedUdp = closedUdpPort();
    silentUdp = keep(new DatagramSocket(0, InetAddress.getLoopbackAddress())).getLocalPort();
    // never accepted: the kernel completes the connection, nobody answers
    silentTcp = keep(new ServerSocket(0, 50, InetAddress.getLoopbackAddress())).getLocalPort();
    garbageUdp = udpServer(query -> new byte[] {0x12, 0x34, 0x56});
    wrongIdUdp = udpServer(query -> {
      byte[] answer = query.clone();
      answer[0] ^= 0x55; // another ID
      answer[2] |= (byte) 0x80; // QR
      return answer;
    });
    garbageTcp = tcpServer(socket -> {
      DnsClient.readFrame(new DataInputStream(socket.getInputStream()));
      DnsClient.writeFrame(socket.getOutputStream(), new byte[] {1, 2, 3, 4, 5});
    });
    hangUpTcp = tcpServer(socket -> DnsClient.readFrame(new DataInputStream(socket.getInputStream())));
    notHttp = tcpServer(socket -> {
      socket.getInputStream().read(new byte[4096]);
      socket.getOutputStream().write("SSH-2.0-OpenSSH_9.6\r\n".getBytes(StandardCharsets.US_ASCII));
    });
    HttpServer admin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    admin.createContext("/inspect/", exchange -> {
      if (exchange.getRequestURI().getPath().equals("/inspect/cache/flush")) {
        reply(exchange, 403, "flushing is disabled; add 'flush' to the admin directive to allow it\n");
      } else {
        reply(exchange, 404, "no plugin in this configuration shows 'nope'\n");
      }
    });
    admin.createContext("/explain", exchange -> reply(exchange, 500, "\n  Internal Server Error  \n<p>at line 2</p>\n"));
    admin.start();
    servers.add(() -> admin.stop(0));
    http = admin.getAddress().getPort();
    busyDnsPort = keep(new DatagramSocket(0));
  }

  @AfterAll
  static void stopServers() throws Exception {
    for (AutoCloseable server : servers) {
      server.close();
    }
  }

  /** One row: the command line, its status and the line that says what is wrong. */
  private record Case(String title, String[] args, int status, String message, ClientSettings settings) {

    /** A row whose message is the only line on stderr (plus the usage line for status 2). */
    static Case of(String title, int status, String message, String... args) {
      return new Case(title, args, status, message, PATIENT);
    }

    Case impatient() {
      return new Case(title, args, status, message, IMPATIENT);
    }
  }

  private static List<Case> cases() throws IOException {
    Path corefile = Files.writeString(dir.resolve("Corefile"), ".:53 {\n    records {\n    }\n}\n");
    Path directory = Files.createDirectories(dir.resolve("a-directory"));
    Path missing = dir.resolve("missing");
    Path busyCorefile = Files.writeString(dir.resolve("Busy"),
        ".:" + busyDnsPort.getLocalPort() + " {\n    records {\n    }\n}\n");
    String conf = corefile.toString();
    String localhost = InetAddress.getLoopbackAddress().getHostAddress();
    return List.of(
        // the three examples of issue #30
        Case.of("query: a port that is not a number", 2,
            "corvus query: bad server \"@127.0.0.1:abc\": expected a port (0-65535)", "query", "@127.0.0.1:abc", "x"),
        Case.of("query: an IPv6 address without its bracket", 2,
            "corvus query: bad server \"@[::1\": expected \"]\" after the IPv6 address", "query", "@[::1", "x"),
        Case.of("query: localhost is the loopback address", 9,
            "corvus query: no answer from " + localhost + "#" + closedUdp + " over UDP: connection refused",
            "query", "@localhost:" + closedUdp, "x"),

        Case.of("serve: unknown option", 2, "corvus: unknown option \"-cnof\", did you mean \"-conf\"?", "-cnof", conf),
        Case.of("serve: unknown command", 2, "corvus: unknown command \"chek\", did you mean \"check\"?", "chek"),
        Case.of("serve: subcommand not first", 2,
            "corvus: the subcommand \"check\" must come first: corvus check ...", "-conf", conf, "check"),
        Case.of("serve: bad port", 2, "corvus: bad -dns.port \"70000\": expected a port (0-65535)", "-dns.port", "70000"),
        Case.of("serve: missing value", 2, "corvus: -conf needs a value: -conf FILE", "-conf"),
        Case.of("serve: value joined with =", 2,
            "corvus: unknown option \"-conf=x\"; write the value after a space: -conf FILE", "-conf=x"),
        Case.of("serve: missing Corefile", 1, "corvus: cannot read " + missing + ": no such file or directory",
            "-conf", missing.toString()),
        Case.of("serve: port in use", 1, "corvus: cannot start: cannot listen on dns://:"
            + busyDnsPort.getLocalPort() + ": ...", "-conf", busyCorefile.toString()),
        Case.of("serve: missing plugins directory", 1,
            "corvus: cannot read the plugins directory " + missing + ": no such directory", "-plugins", missing.toString()),
        Case.of("version: takes no arguments", 2, "corvus: unknown command \"now\"", "-version", "now"),
        Case.of("help: a word is not a flag", 2, "corvus: unknown command \"help\", did you mean \"-help\"?", "help"),

        Case.of("check: no -conf", 2, "corvus check: -conf FILE is required", "check"),
        Case.of("check: a flag as the value", 2, "corvus check: -conf needs a value: -conf FILE", "check", "-conf",
            "-plugins", "x"),
        Case.of("check: unknown option", 2, "corvus check: unknown option \"--confi\", did you mean \"-conf\"?",
            "check", "--confi", conf),
        Case.of("check: a flag of another subcommand", 2, "corvus check: unknown option \"-timeout\"", "check",
            "-conf", conf, "-timeout", "2s"),
        Case.of("check: missing Corefile", 1, "corvus check: cannot read " + missing + ": no such file or directory",
            "check", "-conf", missing.toString()),
        Case.of("check: Corefile is a directory", 1, "corvus check: cannot read " + directory + ": is a directory",
            "check", "-conf", directory.toString()),
        Case.of("check: plugins directory is a file", 1,
            "corvus check: cannot read the plugins directory " + corefile + ": not a directory",
            "check", "-conf", conf, "-plugins", conf),

        Case.of("plugins: operand", 2, "corvus plugins: unexpected argument \"all\"", "plugins", "all"),
        Case.of("plugins: -conf is not its flag", 2, "corvus plugins: unknown option \"-conf\"", "plugins", "-conf", conf),
        Case.of("plugins: missing directory", 1,
            "corvus plugins: cannot read the plugins directory " + missing + ": no such directory",
            "plugins", "-plugins", missing.toString()),

        Case.of("doctor: no -conf", 2, "corvus doctor: -conf FILE is required", "doctor", "-timeout", "1s"),
        Case.of("doctor: timeout without unit", 2,
            "corvus doctor: bad -timeout \"2x\": expected a positive duration such as 2s or 250ms",
            "doctor", "-conf", conf, "-timeout", "2x"),
        Case.of("doctor: zero timeout", 2,
            "corvus doctor: bad -timeout \"0s\": expected a positive duration such as 2s or 250ms",
            "doctor", "-conf", conf, "-timeout", "0s"),
        Case.of("doctor: misspelt timeout", 2, "corvus doctor: unknown option \"-timout\", did you mean \"-timeout\"?",
            "doctor", "-conf", conf, "-timout", "1s"),

        Case.of("test: no file", 2, "corvus test: missing FILE", "test", "-v"),
        Case.of("test: misspelt junit", 2, "corvus test: unknown option \"--junti\", did you mean \"--junit\"?",
            "test", "--junti", "report.xml", "tests.yaml"),
        Case.of("test: junit without a file", 2, "corvus test: --junit needs a value: --junit FILE",
            "test", "tests.yaml", "--junit"),
        Case.of("test: zero timeout", 2,
            "corvus test: bad -timeout \"0s\": expected a positive duration such as 2s or 250ms",
            "test", "-timeout", "0s", "tests.yaml"),
        Case.of("test: a directory without test files", 2, "corvus test: " + directory + " holds no .yaml or .yml file",
            "test", directory.toString()),

        Case.of("query: no name", 2, "corvus query: missing NAME", "query", "+tcp"),
        Case.of("query: bad name", 2, "corvus query: bad name \"a..b\": not a domain name (invalid empty label)",
            "query", "a..b"),
        Case.of("query: bad type", 2,
            "corvus query: bad type \"AAAAA\": expected a record type such as A, AAAA, MX, SRV or TYPE65",
            "query", "x", "AAAAA"),
        Case.of("query: extra operand", 2, "corvus query: unexpected argument \"IN\"", "query", "x", "A", "IN"),
        Case.of("query: misspelt dig option", 2, "corvus query: unknown option \"+tpc\", did you mean \"+tcp\"?",
            "query", "x", "+tpc"),
        Case.of("query: dash for plus", 2, "corvus query: unknown option \"-tcp\", did you mean \"+tcp\"?",
            "query", "x", "-tcp"),
        Case.of("query: empty server", 2, "corvus query: bad server \"@\": expected HOST[:PORT]", "query", "@", "x"),
        Case.of("query: port out of range", 2, "corvus query: bad server \"@127.0.0.1:65536\": expected a port (0-65535)",
            "query", "@127.0.0.1:65536", "x"),
        Case.of("query: port zero", 2,
            "corvus query: bad server \"@127.0.0.1:0\": expected a port (1-65535) to connect to, not 0",
            "query", "@127.0.0.1:0", "x"),
        Case.of("query: no host", 2, "corvus query: bad server \"@:53\": expected a host before \":\"", "query", "@:53", "x"),
        Case.of("query: not an IPv4 address", 2, "corvus query: bad server \"@300.1.2.3\": \"300.1.2.3\" is not an IPv4 address",
            "query", "@300.1.2.3", "x"),
        Case.of("query: not an IPv6 address", 2,
            "corvus query: bad server \"@[::g]:53\": \"::g\" is not an IPv6 address", "query", "@[::g]:53", "x"),
        Case.of("query: junk after the bracket", 2, "corvus query: bad server \"@[::1]53\": expected \":PORT\" after \"]\"",
            "query", "@[::1]53", "x"),
        Case.of("query: a name that does not resolve", 1, "corvus query: cannot resolve \"nowhere.test\"",
            "query", "@nowhere.test", "x"),
        Case.of("query: UDP refused", 9, "corvus query: no answer from 127.0.0.1#" + closedUdp
            + " over UDP: connection refused", "query", "@127.0.0.1:" + closedUdp, "x"),
        Case.of("query: TCP refused", 9, "corvus query: no answer from 127.0.0.1#" + closedTcp
            + " over TCP: connection refused", "query", "@dns.test:" + closedTcp, "x", "+tcp"),
        Case.of("query: UDP silence", 9, "corvus query: no answer from 127.0.0.1#" + silentUdp
            + " over UDP within 300ms", "query", "@127.0.0.1:" + silentUdp, "x").impatient(),
        Case.of("query: TCP silence", 9, "corvus query: no answer from 127.0.0.1#" + silentTcp
            + " over TCP within 300ms", "query", "@127.0.0.1:" + silentTcp, "x", "+tcp").impatient(),
        Case.of("query: UDP garbage", 9, "corvus query: the answer from 127.0.0.1#" + garbageUdp
            + " is not a DNS message (end of input)", "query", "@127.0.0.1:" + garbageUdp, "x"),
        Case.of("query: an answer to another query", 9, "corvus query: the answer from 127.0.0.1#" + wrongIdUdp
            + " is for another query (ID ...", "query", "@127.0.0.1:" + wrongIdUdp, "x"),
        Case.of("query: TCP garbage", 9, "corvus query: the answer from 127.0.0.1#" + garbageTcp
            + " is not a DNS message (end of input)", "query", "@127.0.0.1:" + garbageTcp, "x", "+tcp"),
        Case.of("query: TCP hang-up", 9, "corvus query: no answer from 127.0.0.1#" + hangUpTcp
            + " over TCP: the connection closed before the answer was complete",
            "query", "@127.0.0.1:" + hangUpTcp, "x", "+tcp"),

        Case.of("explain: no name", 2, "corvus explain: missing NAME", "explain", "--json"),
        Case.of("explain: too many operands", 2, "corvus explain: unexpected argument \"z\"", "explain", "x", "A", "z"),
        Case.of("explain: bad client", 2, "corvus explain: bad --client \"10.0.0\": expected an IP address",
            "explain", "x", "--client", "10.0.0"),
        Case.of("explain: client without value", 2, "corvus explain: --client needs a value: --client IP",
            "explain", "x", "--client"),
        Case.of("explain: misspelt json", 2, "corvus explain: unknown option \"--jsn\", did you mean \"--json\"?",
            "explain", "x", "--jsn"),
        Case.of("explain: bad admin port", 2, "corvus explain: bad -admin \"127.0.0.1:x\": expected a port (0-65535)",
            "explain", "-admin", "127.0.0.1:x", "x"),
        Case.of("explain: admin host does not resolve", 1, "corvus explain: cannot resolve \"nowhere.test\"",
            "explain", "-admin", "nowhere.test:9154", "x"),
        Case.of("explain: admin refused", 1, "corvus explain: cannot reach the admin endpoint at 127.0.0.1:" + closedTcp
            + ": connection refused; is the 'admin' directive in the Corefile, and is this the address it listens on?",
            "explain", "-admin", "127.0.0.1:" + closedTcp, "x"),
        Case.of("explain: admin answers an HTTP error", 1, "corvus explain: the admin endpoint at dns.test:" + http
            + " answered 500: Internal Server Error", "explain", "-admin", "dns.test:" + http, "x"),
        Case.of("explain: admin silence", 1, "corvus explain: no answer from the admin endpoint at 127.0.0.1:"
            + silentTcp + " within 300ms", "explain", "-admin", "127.0.0.1:" + silentTcp, "x").impatient(),

        Case.of("inspect: three words", 2, "corvus inspect: unexpected argument \"now\"", "inspect", "cache", "flush", "now"),
        Case.of("inspect: not a word", 2,
            "corvus inspect: bad topic \"cache/x\": expected a word of letters, digits, '.', '_' and '-'",
            "inspect", "cache/x"),
        Case.of("inspect: parameter without key", 2, "corvus inspect: bad parameter \"=x\": expected KEY=VALUE",
            "inspect", "cache", "=x"),
        Case.of("inspect: bad admin address", 2, "corvus inspect: bad -admin \"[::1\": expected \"]\" after the IPv6 address",
            "inspect", "-admin", "[::1"),
        Case.of("inspect: unknown topic", 1, "corvus inspect: the admin endpoint at 127.0.0.1:" + http
            + " answered 404: no plugin in this configuration shows 'nope'", "inspect", "-admin", "127.0.0.1:" + http, "nope"),
        Case.of("inspect: action refused", 1, "corvus inspect: the admin endpoint at 127.0.0.1:" + http
            + " answered 403: flushing is disabled; add 'flush' to the admin directive to allow it",
            "inspect", "-admin", "127.0.0.1:" + http, "cache", "flush"),
        Case.of("inspect: not HTTP", 1, "corvus inspect: the answer from 127.0.0.1:" + notHttp
            + " is not HTTP (Invalid status line: \"SSH-2.0-OpenSSH_9.6\"); is this the admin endpoint's address?",
            "inspect", "-admin", "127.0.0.1:" + notHttp),
        Case.of("inspect: admin at localhost refused", 1, "corvus inspect: cannot reach the admin endpoint at "
            + "localhost:" + closedTcp + ": connection refused; is the 'admin' directive in the Corefile, and is this "
            + "the address it listens on?", "inspect", "-admin", "localhost:" + closedTcp, "upstreams"));
  }

  @TestFactory
  Stream<DynamicTest> everyFailureIsOneCleanLine() throws IOException {
    return cases().stream().map(c -> DynamicTest.dynamicTest(c.title() + ": " + String.join(" ", c.args()), () -> {
      Result result = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> run(c.settings(), c.args()));
      String all = result.out() + result.err();
      assertEquals(c.status(), result.status(), all);
      List<String> lines = result.err().lines().toList();
      assertMatches(c.message(), lines.get(0));
      if (c.status() != 2) {
        assertEquals(1, lines.size(), "one line:\n" + all);
      } else if (CommandLine.subcommand(c.args()) != CommandLine.SERVE) {
        assertEquals(List.of("usage: " + CommandLine.subcommand(c.args()).usage()), lines.subList(1, lines.size()), all);
      } else {
        assertEquals(CommandLine.usage(), String.join("\n", lines.subList(1, lines.size())), "every usage line");
      }
      assertEquals("", result.out(), "nothing on stdout");
      assertNoStackTrace(all);
    }));
  }

  @Test
  void theExamplesOfTheIssuePrintOneLineEach() {
    for (String[] args : List.of(new String[] {"query", "@127.0.0.1:abc", "x"}, new String[] {"query", "@[::1", "x"},
        new String[] {"query", "@localhost", "x"})) {
      Result result = run(PATIENT, args);
      String all = result.out() + result.err();
      assertNoStackTrace(all);
      if (args[1].equals("@localhost")) {
        // whatever listens (or not) on this machine's port 53: an answer or one line saying why none came
        assertTrue(result.status() == 0 || result.err().lines().count() == 1, all);
        assertFalse(all.contains("bad server"), all);
      }
    }
  }

  @Test
  void doctorReportsAFailingSelfCheckWithoutItsExceptionName() throws Exception {
    String source = """
        package com.example;
        public final class Explodes implements dev.corvus.dns.api.plugin.PluginFactory {
          public String directive() { return "explodes"; }
          public dev.corvus.dns.api.plugin.Placement placement() {
            return dev.corvus.dns.api.plugin.Placement.before("records");
          }
          public dev.corvus.dns.api.plugin.Plugin create(dev.corvus.dns.api.config.ConfigReader c,
              dev.corvus.dns.api.plugin.PluginContext x) { return new Boom(); }
          static final class Boom implements dev.corvus.dns.api.plugin.Plugin, dev.corvus.dns.api.plugin.SelfCheck {
            public java.util.List<dev.corvus.dns.api.plugin.SelfCheck.Finding> check(java.time.Duration timeout) {
              throw new java.io.UncheckedIOException(new java.io.IOException("disk on fire"));
            }
          }
        }
        """;
    Path plugins = Files.createDirectories(dir.resolve("exploding-plugins"));
    Path jar = PluginJars.build(dir, "explodes", Map.of("com.example.Explodes", source),
        List.of("com.example.Explodes"), Map.of());
    Files.move(jar, plugins.resolve("explodes.jar"));
    Path corefile = Files.writeString(dir.resolve("Exploding"), ".:53 {\n    explodes\n}\n");
    Result result = run(PATIENT, "doctor", "-conf", corefile.toString(), "-plugins", plugins.toString());
    assertEquals(1, result.status(), result.out() + result.err());
    assertTrue(result.out().contains("PROBLEM  Exploding:2 explodes: the check itself failed: disk on fire"),
        result.out());
    assertNoStackTrace(result.out() + result.err());
  }

  @Test
  void doctorReportsAnUnreadableCorefileAsAProblem() {
    Path missing = dir.resolve("absent");
    Result result = run(PATIENT, "doctor", "-conf", missing.toString());
    assertEquals(1, result.status());
    assertTrue(result.out().contains("PROBLEM  " + missing + ": cannot read: no such file or directory"), result.out());
    assertNoStackTrace(result.out() + result.err());
  }

  @Test
  void aFailureNoCommandReportsIsStillOneLine() {
    ClientSettings broken = new ClientSettings(host -> {
      throw new IllegalStateException("resolver is broken");
    }, Duration.ofSeconds(1), Duration.ofSeconds(1));
    Result result = run(broken, "query", "@somewhere.test", "x");
    assertEquals(1, result.status());
    assertEquals("corvus query: internal error: resolver is broken", result.err().strip());
  }

  @Test
  void helpAndVersionPrintAndExitZero() {
    Result help = run(PATIENT, "query", "-h");
    assertEquals(0, help.status());
    assertEquals("usage: " + CommandLine.QUERY.usage(), help.out().strip());
    Result all = run(PATIENT, "--help");
    assertEquals(0, all.status());
    assertTrue(all.out().startsWith("usage: corvus [-conf FILE]") && all.out().contains("corvus inspect"), all.out());
    Result version = run(PATIENT, "-version");
    assertEquals(0, version.status());
    assertTrue(version.out().startsWith("Corvus "), version.out());
  }

  // ---- running the command and judging its output ----

  private record Result(int status, String out, String err) {}

  private static Result run(ClientSettings settings, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), settings).run(args);
    return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** {@code expected} exactly, or its start when it ends with {@code ...} (a part the test cannot know). */
  private static void assertMatches(String expected, String line) {
    if (expected.endsWith("...")) {
      String start = expected.substring(0, expected.length() - 3);
      assertTrue(line.startsWith(start), "expected a line starting with\n" + start + "\nbut was\n" + line);
    } else {
      assertEquals(expected, line);
    }
  }

  private static void assertNoStackTrace(String output) {
    for (String line : output.lines().toList()) {
      assertFalse(line.startsWith("\tat "), "a stack trace:\n" + output);
      assertFalse(line.contains("Exception"), "an exception's name:\n" + output);
    }
  }

  // ---- servers that misbehave ----

  private static InetAddress resolve(String host) throws UnknownHostException {
    InetAddress address = HOSTS.get(host);
    if (address == null) {
      throw new UnknownHostException(host);
    }
    return address;
  }

  private static <T extends AutoCloseable> T keep(T server) {
    servers.add(server);
    return server;
  }

  /** A port nothing listens on: the kernel refuses connections to it. */
  private static int closedTcpPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** A UDP port nothing listens on: the kernel answers with ICMP port unreachable. */
  private static int closedUdpPort() throws IOException {
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Answers every datagram with {@code answer(query)}. */
  private static int udpServer(UnaryOperator<byte[]> answer) throws IOException {
    DatagramSocket socket = keep(new DatagramSocket(0, InetAddress.getLoopbackAddress()));
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[65535];
      while (!socket.isClosed()) {
        try {
          DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
          socket.receive(packet);
          byte[] reply = answer.apply(Arrays.copyOf(buffer, packet.getLength()));
          socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
        } catch (IOException e) {
          return; // closed
        }
      }
    }, "udp-" + socket.getLocalPort());
    thread.setDaemon(true);
    thread.start();
    return socket.getLocalPort();
  }

  /** What a TCP test server does with one connection before closing it. */
  @FunctionalInterface
  private interface Conversation {
    void have(Socket socket) throws IOException;
  }

  /** Accepts connections one after another, has {@code conversation} with each and closes it. */
  private static int tcpServer(Conversation conversation) throws IOException {
    ServerSocket server = keep(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    Thread thread = new Thread(() -> {
      while (!server.isClosed()) {
        try (Socket socket = server.accept()) {
          conversation.have(socket);
        } catch (IOException e) {
          // the next connection, or closed
        }
      }
    }, "tcp-" + server.getLocalPort());
    thread.setDaemon(true);
    thread.start();
    return server.getLocalPort();
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }
}
