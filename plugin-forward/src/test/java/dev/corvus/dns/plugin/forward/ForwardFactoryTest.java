package dev.corvus.dns.plugin.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.TlsFiles;
import dev.corvus.dns.testkit.DirectiveConfig;
import dev.corvus.dns.testkit.PluginTestKit;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;

/** Parsing of the {@code forward} directive. */
class ForwardFactoryTest {

  @TempDir Path directory;

  private final PluginTestKit kit = new PluginTestKit();

  @AfterEach
  void closeKit() {
    kit.close();
  }

  private ForwardConfig parse(String text) throws ConfigException {
    return ForwardFactory.parse(kit.config(text), kit.ioLoops());
  }

  @Test
  void defaultsAreCoreDns() throws ConfigException {
    ForwardConfig config = parse("forward . 10.0.0.1");
    assertEquals(Name.root, config.from());
    assertEquals(List.of(new UpstreamAddress(new InetSocketAddress("10.0.0.1", 53), false)), config.upstreams());
    assertEquals(Duration.ofSeconds(10), config.expire());
    assertEquals(2, config.maxFails());
    assertEquals(Policy.RANDOM, config.policy());
    assertEquals(HealthCheckSettings.DEFAULT, config.healthCheck());
    assertEquals(Duration.ofSeconds(2), config.readTimeout());
    assertEquals(0, config.maxConcurrent());
    assertFalse(config.forceTcp());
    assertFalse(config.preferUdp());
    assertFalse(config.failfastAllUnhealthy());
    assertTrue(config.except().isEmpty());
    assertTrue(config.nextRcodes().isEmpty());
  }

  @Test
  void everyOption() throws ConfigException {
    ForwardConfig config =
        parse(
            """
            forward example.org 10.0.0.1:5353 tls://[2001:db8::1] dns://10.0.0.2 {
              except internal.example.org Other.Example.org
              force_tcp
              prefer_udp
              expire 30s
              max_fails 5
              tls_servername dns.example.net
              policy round_robin
              health_check 2s no_rec domain health.example.org
              max_concurrent 1000
              next NXDOMAIN servfail
              failfast_all_unhealthy_upstreams
              failover REFUSED
              max_connect_attempts 3
              read_timeout 1500ms
            }
            """);
    assertEquals(Names.zone("example.org"), config.from());
    assertEquals(
        List.of(
            new UpstreamAddress(new InetSocketAddress("10.0.0.1", 5353), false),
            new UpstreamAddress(new InetSocketAddress("2001:db8::1", 853), true),
            new UpstreamAddress(new InetSocketAddress("10.0.0.2", 53), false)),
        config.upstreams());
    assertEquals(List.of(Names.zone("internal.example.org"), Names.zone("other.example.org")), config.except());
    assertTrue(config.forceTcp());
    assertTrue(config.preferUdp());
    assertEquals(Duration.ofSeconds(30), config.expire());
    assertEquals(5, config.maxFails());
    assertEquals("dns.example.net", config.tlsServerName().orElseThrow());
    assertEquals("dns.example.net", config.tlsClient().orElseThrow().serverName());
    assertEquals(Policy.ROUND_ROBIN, config.policy());
    assertEquals(new HealthCheckSettings(Duration.ofSeconds(2), false, Names.zone("health.example.org")), config.healthCheck());
    assertEquals(1000, config.maxConcurrent());
    assertEquals(Set.of(Rcode.NXDOMAIN, Rcode.SERVFAIL), config.nextRcodes());
    assertTrue(config.failfastAllUnhealthy());
    assertEquals(Set.of(Rcode.REFUSED), config.failoverRcodes());
    assertEquals(3, config.maxConnectAttempts());
    assertEquals(Duration.ofMillis(1500), config.readTimeout());
    assertEquals("[2001:db8:0:0:0:0:0:1]:853", config.upstreams().get(1).label().replace("2001:db8::1", "2001:db8:0:0:0:0:0:1"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "10.0.0.1              | 10.0.0.1   | 53   | false",
        "10.0.0.1:5353         | 10.0.0.1   | 5353 | false",
        "dns://10.0.0.1        | 10.0.0.1   | 53   | false",
        "DNS://10.0.0.1:5300   | 10.0.0.1   | 5300 | false",
        "tls://10.0.0.1        | 10.0.0.1   | 853  | true",
        "tls://10.0.0.1:8853   | 10.0.0.1   | 8853 | true",
        "::1                   | ::1        | 53   | false",
        "[::1]                 | ::1        | 53   | false",
        "[2001:db8::1]:5353    | 2001:db8::1 | 5353 | false",
        "dns://[2001:db8::1]   | 2001:db8::1 | 53   | false",
        "tls://[2001:db8::1]:8853 | 2001:db8::1 | 8853 | true",
      })
  void toAcceptsSchemesPortsAndBracketedIpv6(String to, String ip, int port, boolean tls) throws ConfigException {
    assertEquals(
        List.of(new UpstreamAddress(new InetSocketAddress(ip, port), tls)), parse("forward . " + to).upstreams());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "10.0.0.1:99999      | not an IP address or file: '10.0.0.1:99999'",
        "10.0.0.1:0          | port 0 is not a port to send queries to",
        "dns://example.org   | not an IP address: 'dns://example.org'",
        "tls://1.1.1.1%dns.x | per-upstream TLS server names ('tls://1.1.1.1%dns.x') are not supported",
        "dns://              | invalid address: 'dns://'",
      })
  void badToIsAnErrorAtTheDirectiveLine(String to, String expected) {
    ConfigException error = assertThrows(ConfigException.class, () -> parse("forward . " + to + " {\n max_fails 1\n}"));
    assertTrue(error.getMessage().startsWith("<test>:2: forward: " + expected), error.getMessage());
  }

  @Test
  void tlsFilesTheServerCannotLoadAreAnErrorAtTheTlsLine() throws Exception {
    Path notACertificate = Files.writeString(directory.resolve("ca.pem"), "not a certificate\n");
    ConfigException error =
        assertThrows(
            ConfigException.class,
            () -> parse("forward . tls://10.0.0.1 {\n max_fails 1\n tls " + notACertificate + "\n policy sequential\n}"));
    assertTrue(error.getMessage().startsWith("<test>:4: forward: tls: "), error.getMessage());
  }

  @Test
  void tlsUpstreamsGetTheTlsSettingsTheServerChecked() throws Exception {
    ForwardConfig plain = parse("forward . 10.0.0.1");
    assertEquals(TlsFiles.NONE, plain.tlsFiles());
    assertTrue(plain.tlsClient().isEmpty(), "no tls:// upstream, no TLS settings");
    ForwardConfig tls = parse("forward . tls://10.0.0.1");
    assertEquals("", tls.tlsClient().orElseThrow().serverName(), "the system's CAs, the certificate checked against the IP");
  }

  @Test
  void duplicateUpstreamsCountOnce() throws ConfigException {
    assertEquals(1, parse("forward . 10.0.0.1 10.0.0.1:53 dns://10.0.0.1").upstreams().size());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "forward .                                         | <test>:2: forward: expected at least one TO address",
        "forward . 10.0.0.1 {\\n  bogus\\n}                | <test>:3: forward: unknown option \"bogus\"",
        "forward . 10.0.0.1 {\\n  policy fastest\\n}       | <test>:3: forward: policy: unknown policy 'fastest'",
        "forward . 10.0.0.1 {\\n  max_fails -1\\n}         | <test>:3: forward: max_fails: INTEGER must be between 0 and",
        "forward . 10.0.0.1 {\\n  force_tcp yes\\n}        | <test>:3: forward: force_tcp: unexpected argument \"yes\"",
        "forward . 10.0.0.1 {\\n  next BOGUS\\n}           | <test>:3: forward: next: BOGUS is not a valid rcode",
        "forward . 10.0.0.1 {\\n  failover NOERROR\\n}     | <test>:3: forward: failover: NoError cannot be used",
        "forward . 10.0.0.1 {\\n  except\\n}               | <test>:3: forward: except: expected at least one name",
        "forward . 10.0.0.1 {\\n  health_check 1s fast\\n} | <test>:3: forward: health_check: health_check: unknown option fast",
        "forward . 10.0.0.1 {\\n  tls a b c d\\n}          | <test>:3: forward: tls: cannot read",
        "forward . 10.0.0.1 {\\n  max_idle_conns 4\\n}     | <test>:3: forward: max_idle_conns: the CoreDNS option 'max_idle_conns' is not supported",
        "forward . https://10.0.0.1                        | <test>:2: forward: 'https' is not supported as a destination protocol",
        "forward . dns.google                              | <test>:2: forward: not an IP address or file: 'dns.google'",
        "forward . /nonexistent/resolv.conf                | <test>:2: forward: not an IP address or file: '/nonexistent/resolv.conf'",
      })
  void errorsNameFileLineAndWhatIsWrong(String corefile, String expected) {
    ConfigException error =
        assertThrows(ConfigException.class, () -> parse(corefile.replace("\\n", "\n")));
    assertTrue(error.getMessage().startsWith(expected), error.getMessage() + " should start with " + expected);
  }

  @Test
  void atMostFifteenUpstreams() {
    StringBuilder line = new StringBuilder("forward .");
    for (int i = 1; i <= 16; i++) {
      line.append(" 10.0.0.").append(i);
    }
    ConfigException error = assertThrows(ConfigException.class, () -> parse(line.toString()));
    assertTrue(error.getMessage().contains("more than 15 TOs configured: 16"), error.getMessage());
  }

  @Test
  void resolvConfIsReadAtParseTime() throws Exception {
    Files.writeString(directory.resolve("resolv.conf"), "nameserver 10.1.1.1\nnameserver 10.1.1.2\n");
    ForwardConfig config = ForwardFactory.parse(kit.baseDirectory(directory).config("forward . resolv.conf 10.1.1.1"), kit.ioLoops());
    assertEquals(
        List.of(
            new UpstreamAddress(new InetSocketAddress("10.1.1.1", 53), false),
            new UpstreamAddress(new InetSocketAddress("10.1.1.2", 53), false)),
        config.upstreams());
  }

  @Test
  void resolvConfWithoutNameserversAndNothingElseIsAnError() throws Exception {
    Files.writeString(directory.resolve("empty.conf"), "search example.org\n");
    DirectiveConfig reader = kit.baseDirectory(directory).config("forward . empty.conf");
    ConfigException error = assertThrows(ConfigException.class, () -> ForwardFactory.parse(reader, kit.ioLoops()));
    assertTrue(error.getMessage().contains("no valid upstream addresses"), error.getMessage());
    assertEquals(1, reader.warnings().size());
  }

  @Test
  void cidrFromUsesTheFirstZoneWithAWarning() throws ConfigException {
    DirectiveConfig reader = kit.config("forward 10.1.0.0/17 10.0.0.1");
    assertEquals(Names.zone("0.1.10.in-addr.arpa"), ForwardFactory.parse(reader, kit.ioLoops()).from());
    assertEquals(1, reader.warnings().size());
  }

  @Test
  void factoryIsRepeatableAndNamedForward() {
    ForwardFactory factory = new ForwardFactory();
    assertEquals("forward", factory.directive());
    assertTrue(factory.repeatable());
  }
}
