package dev.corvus.dns.server.corefile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.Location;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Name;

/** The config reader plugins parse their directive with: cursor, typed helpers, errors. */
class DirectiveReaderTest {

  static final Path BASE = Path.of("/etc/corvus");

  /** A reader over the first directive of {@code . { ... }} (or of the given block). */
  static DirectiveReader reader(String blockBody) throws ConfigException {
    return reader(".", blockBody);
  }

  static DirectiveReader reader(String keys, String blockBody) throws ConfigException {
    Corefile corefile = CorefileParser.parse(keys + " {\n" + blockBody + "\n}", "Corefile", BASE, Map.of(), 53);
    ServerBlock block = corefile.blocks().get(0);
    List<Name> zones = block.keys().stream().map(ServerKey::zone).distinct().toList();
    return new DirectiveReader(block.directives().get(0), zones, BASE);
  }

  static String arg(String text) {
    return "x \"" + text.replace("\"", "\\\"") + "\"";
  }

  @Test
  void walksArgumentsAndOptions() throws ConfigException {
    DirectiveReader r = reader("forward . 1.1.1.1 2.2.2.2 {\n  max_fails 3\n  force_tcp\n}");
    assertEquals("forward", r.directive());
    assertNull(r.option());
    assertEquals(new Location("Corefile", 2), r.location());
    assertEquals(".", r.nextArg("FROM"));
    assertEquals(List.of("1.1.1.1", "2.2.2.2"), r.remainingArgs());
    assertFalse(r.hasNextArg());
    assertTrue(r.nextOption());
    assertEquals("max_fails", r.option());
    assertEquals(new Location("Corefile", 3), r.location());
    assertEquals(3, r.nextInt("max_fails", 0, 10));
    assertTrue(r.nextOption());
    assertEquals("force_tcp", r.option());
    r.expectNoMoreArgs();
    assertFalse(r.nextOption());
    assertNull(r.option());
    assertFalse(r.nextOption());
    r.finish();
    assertEquals(List.of(Name.root), r.serverZones());
    assertEquals(BASE, r.baseDirectory());
  }

  @ParameterizedTest(name = "{0} = {1} ns")
  @CsvSource({
      "5s, 5000000000", "1m30s, 90000000000", "250ms, 250000000", "1h, 3600000000000", "30, 30000000000",
      "0, 0", "0.5s, 500000000", ".5s, 500000000", "1.5h, 5400000000000", "10us, 10000", "10µs, 10000",
      "7ns, 7", "1h2m3s4ms, 3723004000000", "+2s, 2000000000"})
  void readsGoDurations(String text, long nanos) throws ConfigException {
    DirectiveReader r = reader(arg(text));
    assertEquals(Duration.ofNanos(nanos), r.nextDuration("TTL"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"5x", "s", "-5s", "1.5", "5s3", "1..5s", "1h-5s", "9999999999h"})
  void rejectsBadDurations(String text) throws ConfigException {
    DirectiveReader r = reader("\n" + arg(text));
    ConfigException e = assertThrows(ConfigException.class, () -> r.nextDuration("TTL"));
    assertEquals("Corefile:3: x: expected a duration for TTL (e.g. 5s, 1m30s, 250ms), got \"" + text + "\"",
        e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "1.2.3.4:53     | 1.2.3.4   | 53",
      "1.2.3.4        | 1.2.3.4   | 9153",
      ":8080          | 0.0.0.0   | 8080",
      "[::1]:53       | ::1       | 53",
      "[::1]          | ::1       | 9153",
      "::1            | ::1       | 9153",
      "fd00::10       | fd00::10  | 9153",
      "127.0.0.1:0    | 127.0.0.1 | 0",
      "localhost:9153 | 127.0.0.1 | 9153",
  })
  void readsAddresses(String text, String host, int port) throws Exception {
    InetSocketAddress address = reader(arg(text)).nextAddress("ADDRESS", 9153);
    assertEquals(port, address.getPort());
    assertEquals(InetAddress.getByName(host), address.getAddress());
    assertFalse(address.isUnresolved());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "example.org:53   | ADDRESS: expected an IP address, got \"example.org\" (host names are not resolved)",
      "1.2.3.4:99999    | ADDRESS: expected a port (0-65535) in \"1.2.3.4:99999\"",
      "1.2.3.4:         | ADDRESS: expected a port (0-65535) in \"1.2.3.4:\"",
      "[::1             | ADDRESS: expected \"]\" after the IPv6 address in \"[::1\"",
      "[::1]x           | ADDRESS: expected \":PORT\" after \"]\" in \"[::1]x\"",
  })
  void rejectsBadAddresses(String text, String message) throws ConfigException {
    DirectiveReader r = reader(arg(text));
    ConfigException e = assertThrows(ConfigException.class, () -> r.nextAddress("ADDRESS", 53));
    assertEquals("Corefile:2: x: " + message, e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "3       | 3",
      "-1      | x: N must be between 0 and 10, got -1",
      "11      | x: N must be between 0 and 10, got 11",
      "three   | x: expected an integer for N, got \"three\"",
      "9999999999 | x: expected an integer for N, got \"9999999999\"",
  })
  void readsIntsInRange(String text, String expected) throws ConfigException {
    DirectiveReader r = reader(arg(text));
    if (expected.matches("[0-9]+")) {
      assertEquals(Integer.parseInt(expected), r.nextInt("N", 0, 10));
    } else {
      ConfigException e = assertThrows(ConfigException.class, () -> r.nextInt("N", 0, 10));
      assertEquals("Corefile:2: " + expected, e.getMessage());
    }
  }

  @Test
  void readsZonesNormalised() throws ConfigException {
    DirectiveReader r = reader("x Example.ORG dns://b.org:53 10.0.0.0/8 10.0.0.0/7");
    assertEquals(Names.zone("example.org."), r.nextZone("ZONE"));
    assertEquals(Names.zone("b.org."), r.nextZone("ZONE"));
    assertEquals(Names.zone("10.in-addr.arpa."), r.nextZone("ZONE"));
    ConfigException e = assertThrows(ConfigException.class, () -> r.nextZone("ZONE"));
    assertEquals("Corefile:2: x: expected a single zone for ZONE, got \"10.0.0.0/7\" covering 2 zones", e.getMessage());
  }

  @Test
  void zonesDefaultToTheServerBlocksAndMustLieInside() throws ConfigException {
    assertEquals(List.of(Names.zone("a.org"), Names.zone("b.org")),
        reader("a.org b.org", "x").remainingZonesOrServerZones());
    assertEquals(List.of(Names.zone("sub.a.org"), Names.zone("b.org")),
        reader("a.org b.org", "x sub.A.org. b.org sub.a.org").remainingZonesOrServerZones());
    assertEquals(List.of(Names.zone("cluster.local"), Names.zone("in-addr.arpa"), Names.zone("0.0.10.in-addr.arpa")),
        reader("x cluster.local in-addr.arpa 10.0.0.0/24").remainingZonesOrServerZones());
    ConfigException e = assertThrows(ConfigException.class,
        () -> reader("a.org b.org", "\nx c.org").remainingZonesOrServerZones());
    assertEquals("Corefile:3: x: zone \"c.org.\" is not in the server block's zones (a.org., b.org.)", e.getMessage());
  }

  @Test
  void pathsResolveAgainstTheBaseDirectory() throws ConfigException {
    DirectiveReader r = reader("x hosts ../db/zone /abs/file");
    assertEquals(BASE.resolve("hosts"), r.nextPath("FILE"));
    assertEquals(Path.of("/etc/db/zone"), r.nextPath("FILE"));
    assertEquals(Path.of("/abs/file"), r.nextPath("FILE"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      // body | what the factory does | expected message
      "x                           | nextArg           | Corefile:2: x: missing TTL",
      "x {\\n}                      | nextArg           | Corefile:2: x: missing TTL",
      "x a b                       | expectNoMoreArgs  | Corefile:2: x: unexpected argument \"a\"",
      "x {\\n  ttl 5 6\\n}          | optionThenNext    | Corefile:3: x: ttl: unexpected argument \"6\"",
      "x {\\n  ttl 5 6\\n}          | optionThenFinish  | Corefile:3: x: ttl: unexpected argument \"6\"",
      "x a                         | finish            | Corefile:2: x: unexpected argument \"a\"",
      "x {\\n\\n  ttl 5\\n}         | finish            | Corefile:4: x: unknown option \"ttl\"",
      "x {\\n  ttl 5\\n}            | error             | Corefile:3: x: ttl: bad value",
      "x a                         | errorOnLine       | Corefile:2: x: bad value",
      "x {\\n  tll 5\\n}            | unknownOption     | Corefile:3: x: unknown option \"tll\", did you mean \"ttl\"?",
      "x {\\n  prefech 5\\n}        | unknownOption     | Corefile:3: x: unknown option \"prefech\", did you mean \"prefetch\"?",
      "x {\\n  nonsense\\n}         | unknownOption     | Corefile:3: x: unknown option \"nonsense\"",
      "x sucess                    | unknownArgument   | Corefile:2: x: unknown argument \"sucess\", did you mean \"success\"?",
      "x {\\n  tls a {\\n    b\\n  }\\n} | optionThenNext | Corefile:4: x: unexpected block after \"tls\"",
  })
  void reportsErrors(String body, String action, String expected) throws ConfigException {
    DirectiveReader r = reader(body.strip().replace("\\n", "\n"));
    List<String> known = List.of("ttl", "prefetch", "success", "serve_stale");
    ConfigException e = assertThrows(ConfigException.class, () -> {
      switch (action) {
        case "nextArg" -> r.nextArg("TTL");
        case "expectNoMoreArgs" -> r.expectNoMoreArgs();
        case "optionThenNext" -> {
          r.nextOption();
          r.nextArg("TTL");
          r.nextOption();
        }
        case "optionThenFinish" -> {
          r.nextOption();
          r.nextArg("TTL");
          r.finish();
        }
        case "finish" -> r.finish();
        case "error" -> {
          r.nextOption();
          throw r.error("bad value");
        }
        case "errorOnLine" -> throw r.error("bad value");
        case "unknownOption" -> {
          r.nextOption();
          throw r.unknownOption(known);
        }
        case "unknownArgument" -> {
          r.nextArg("TYPE");
          throw r.unknownOption(known);
        }
        default -> throw new IllegalArgumentException(action);
      }
    });
    assertEquals(expected, e.getMessage());
    assertEquals("x", e.directive());
  }

  @Test
  void nestedOptionBlocksAreReachableAndChecked() throws ConfigException {
    DirectiveReader r = reader("x {\n  tls a {\n    cert f\n    key g h\n  }\n  ttl 5\n}");
    assertTrue(r.nextOption());
    assertEquals("a", r.nextArg("NAME"));
    DirectiveReader tls = r.nestedBlock();
    assertFalse(tls.hasNextArg());
    assertTrue(tls.nextOption());
    assertEquals("cert", tls.option());
    assertEquals(BASE.resolve("f"), tls.nextPath("CERT"));
    assertTrue(tls.nextOption());
    assertEquals("g", tls.nextArg("KEY"));
    ConfigException e = assertThrows(ConfigException.class, r::nextOption);
    assertEquals("Corefile:5: x: tls: key: unexpected argument \"h\"", e.getMessage());
    assertEquals("Corefile:5: x: tls: key: nope", tls.error("nope").getMessage());
  }

  @Test
  void nestedBlockReadToTheEndLetsTheOuterCursorGoOn() throws ConfigException {
    DirectiveReader r = reader("x {\n  tls {\n    cert f\n  }\n  ttl 5\n}");
    r.nextOption();
    DirectiveReader tls = r.nestedBlock();
    tls.nextOption();
    tls.nextArg("CERT");
    assertFalse(tls.nextOption());
    assertTrue(r.nextOption());
    assertEquals(5, r.nextInt("TTL", 0, 10));
    assertFalse(r.nextOption());
    r.finish();
  }

  @Test
  void warnsWithoutFailing() throws ConfigException {
    DirectiveReader r = reader("kubernetes {\n  upstream\n}");
    r.nextOption();
    r.warn("upstream is deprecated and ignored");
    assertFalse(r.nextOption());
    r.finish();
  }
}
