package dev.corvus.dns.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/** The one parser every subcommand's arguments go through: what it accepts and what it makes of it. */
class CommandSyntaxTest {

  private static CommandLine.Invocation parse(String... args) throws UsageException {
    return CommandLine.parse(args);
  }

  @Test
  void oneOrTwoDashesNameTheSameOptionAsInGoFlags() throws Exception {
    for (String conf : List.of("-conf", "--conf")) {
      CommandLine.Invocation check = parse("check", conf, "Corefile", "-plugins", "p");
      assertEquals(CommandLine.CHECK, check.syntax());
      assertEquals(Path.of("Corefile"), check.arguments().get(CommandLine.CONF));
      assertEquals(Path.of("p"), check.arguments().get(CommandLine.PLUGIN_DIRECTORY));
    }
    for (String[] flags : List.of(new String[] {"--client", "--json"}, new String[] {"-client", "-json"})) {
      Arguments explain = parse("explain", "x", flags[0], "10.0.0.1", flags[1]).arguments();
      assertEquals(InetAddress.getByAddress(new byte[] {10, 0, 0, 1}), explain.get(CommandLine.CLIENT));
      assertTrue(explain.get(CommandLine.JSON));
    }
  }

  @Test
  void optionsMayComeAmongOperandsAndTheLastValueWins() throws UsageException {
    Arguments explain = parse("explain", "www.example.org", "-admin", "10.0.0.1:1", "AAAA", "--admin", "[::1]:2")
        .arguments();
    assertEquals(Optional.of(Name.fromConstantString("www.example.org.")), explain.get(CommandLine.NAME));
    assertEquals(Optional.of(Type.AAAA), explain.get(CommandLine.TYPE));
    assertEquals("[::1]:2", explain.get(CommandLine.ADMIN).text());
    assertEquals(2, explain.get(CommandLine.ADMIN).port());
  }

  @Test
  void aRepeatedOperandTakesEveryRemainingOperandInOrder() throws UsageException {
    Arguments test = parse("test", "a.yaml", "-v", "tests/", "--junit", "report.xml", "b.yaml").arguments();
    assertEquals(List.of(Path.of("a.yaml"), Path.of("tests/"), Path.of("b.yaml")), test.all(CommandLine.TEST_FILES));
    assertEquals(Path.of("report.xml"), test.get(CommandLine.JUNIT));
    assertTrue(test.get(CommandLine.VERBOSE));
    assertEquals(Duration.ofSeconds(30), test.get(CommandLine.READY_TIMEOUT));
  }

  @Test
  void servingIsTheCommandLineWithoutASubcommand() throws UsageException {
    CommandLine.Invocation serve = parse("-conf", "Corefile", "-dns.port", "1053");
    assertEquals(CommandLine.SERVE, serve.syntax());
    assertEquals(1053, serve.arguments().get(CommandLine.DNS_PORT));
    CommandLine.Invocation defaults = parse();
    assertEquals(53, defaults.arguments().get(CommandLine.DNS_PORT));
    assertNull(defaults.arguments().get(CommandLine.CONF));
    assertFalse(defaults.arguments().get(CommandLine.VERSION));
    assertTrue(parse("-version").arguments().get(CommandLine.VERSION));
  }

  @Test
  void doctorTimeoutIsAGoDuration() throws UsageException {
    assertEquals(Duration.ofSeconds(2), parse("doctor", "-conf", "c").arguments().get(CommandLine.TIMEOUT));
    assertEquals(Duration.ofMillis(250), parse("doctor", "-conf", "c", "-timeout", "250ms").arguments()
        .get(CommandLine.TIMEOUT));
    assertEquals(Duration.ofSeconds(90), parse("doctor", "-conf", "c", "-timeout", "1m30s").arguments()
        .get(CommandLine.TIMEOUT));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      // argument       | host        | port | literal
      "@10.0.0.1        | 10.0.0.1    | 53   | 10.0.0.1",
      "@10.0.0.1:5353   | 10.0.0.1    | 5353 | 10.0.0.1",
      "@::1             | ::1         | 53   | 0:0:0:0:0:0:0:1",
      "@[::1]           | ::1         | 53   | 0:0:0:0:0:0:0:1",
      "@[::1]:5353      | ::1         | 5353 | 0:0:0:0:0:0:0:1",
      "@localhost       | localhost   | 53   | loopback",
      "@LocalHost:1053  | LocalHost   | 1053 | loopback",
      "@dns.example:54  | dns.example | 54   | ''",
  })
  void serverAddresses(String argument, String host, int port, String literal) throws UsageException {
    HostAndPort server = parse("query", argument, "x").arguments().get(CommandLine.SERVER);
    assertEquals(host, server.host());
    assertEquals(port, server.port());
    String expected = literal.equals("loopback") ? InetAddress.getLoopbackAddress().getHostAddress() : literal;
    assertEquals(expected, server.literal() == null ? "" : server.literal().getHostAddress());
  }

  @Test
  void queryDefaultsToTheLocalServerTypeAAndUdp() throws UsageException {
    Arguments query = parse("query", "example.org").arguments();
    assertEquals("127.0.0.1:53", query.get(CommandLine.SERVER).text());
    assertEquals(Optional.empty(), query.get(CommandLine.TYPE));
    assertFalse(query.get(CommandLine.TCP));
    Arguments typed = parse("query", "example.org", "aaaa", "+tcp", "+dnssec").arguments();
    assertEquals(Optional.of(Type.AAAA), typed.get(CommandLine.TYPE));
    assertTrue(typed.get(CommandLine.TCP) && typed.get(CommandLine.DNSSEC));
    assertEquals(Optional.of(65), parse("query", "example.org", "TYPE65").arguments().get(CommandLine.TYPE));
  }

  @Test
  void adminAddressDefaultsToTheDirectivesPort() throws UsageException {
    assertEquals(9154, parse("inspect").arguments().get(CommandLine.ADMIN).port());
    assertEquals(9154, parse("inspect", "-admin", "localhost").arguments().get(CommandLine.ADMIN).port());
  }

  @Test
  void inspectTakesTopicActionAndParametersInOrder() throws UsageException {
    Arguments inspect = parse("inspect", "cache", "name=a.example", "flush", "zone=b.example", "q=x=y").arguments();
    assertEquals(Optional.of("cache"), inspect.get(CommandLine.TOPIC));
    assertEquals(Optional.of("flush"), inspect.get(CommandLine.ACTION));
    assertEquals(List.of(Map.entry("name", "a.example"), Map.entry("zone", "b.example"), Map.entry("q", "x=y")),
        List.copyOf(inspect.parameters().entrySet()));
  }

  @Test
  void helpWinsOverEverythingElseOnTheLine() throws UsageException {
    assertTrue(parse("query", "@127.0.0.1:abc", "-h").arguments().helpRequested());
    assertTrue(parse("check", "--help").arguments().helpRequested());
    assertTrue(parse("-help").arguments().helpRequested());
  }
}
