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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    assertEquals(0, config.maxIdleConns());
    assertEquals(Duration.ZERO, config.maxAge());
    assertFalse(config.nextOnNodata());
    assertTrue(config.sourceAddress().isEmpty());
    assertTrue(config.resolvers().isEmpty());
  }

  @Test
  void everyOption() throws Exception {
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
              max_idle_conns 4
              max_age 1m
              next_on_nodata
              source_address 10.0.0.100
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
    assertEquals(4, config.maxIdleConns());
    assertEquals(Duration.ofMinutes(1), config.maxAge());
    assertTrue(config.nextOnNodata());
    assertEquals(InetAddress.getByName("10.0.0.100"), config.sourceAddress().orElseThrow());
    assertEquals("[2001:db8:0:0:0:0:0:1]:853", config.upstreams().get(1).label().replace("2001:db8::1", "2001:db8:0:0:0:0:0:1"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "10.0.0.1              | 10.0.0.1   | 53   | DNS",
        "10.0.0.1:5353         | 10.0.0.1   | 5353 | DNS",
        "dns://10.0.0.1        | 10.0.0.1   | 53   | DNS",
        "DNS://10.0.0.1:5300   | 10.0.0.1   | 5300 | DNS",
        "tls://10.0.0.1        | 10.0.0.1   | 853  | TLS",
        "tls://10.0.0.1:8853   | 10.0.0.1   | 8853 | TLS",
        "::1                   | ::1        | 53   | DNS",
        "[::1]                 | ::1        | 53   | DNS",
        "[2001:db8::1]:5353    | 2001:db8::1 | 5353 | DNS",
        "dns://[2001:db8::1]   | 2001:db8::1 | 53   | DNS",
        "tls://[2001:db8::1]:8853 | 2001:db8::1 | 8853 | TLS",
        "https://10.0.0.1      | 10.0.0.1   | 443  | HTTPS",
        "HTTPS://10.0.0.1:8443 | 10.0.0.1   | 8443 | HTTPS",
        "https://[2001:db8::1] | 2001:db8::1 | 443 | HTTPS",
        "https://[::1]:8443    | ::1        | 8443 | HTTPS",
      })
  void toAcceptsSchemesPortsAndBracketedIpv6(String to, String ip, int port, UpstreamScheme scheme)
      throws ConfigException {
    assertEquals(
        List.of(new UpstreamAddress(new InetSocketAddress(ip, port), scheme, Optional.empty())),
        parse("forward . " + to).upstreams());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "10.0.0.1:99999      | not an IP address, file, or valid domain: '10.0.0.1:99999'",
        "10.0.0.1:0          | port 0 is not a port to send queries to",
        "dns.example:0       | port 0 is not a port to send queries to",
        "dns://              | invalid address: 'dns://'",
        "dns://a/b           | not an IP address, file, or valid domain: 'dns://a/b'",
        "dns://-.example..   | not an IP address, file, or valid domain",
        "1.1.1.1%dns.x       | a TLS server name (%NAME) is only for tls:// and https:// upstreams: '1.1.1.1%dns.x'",
        "https://1.1.1.1/    | paths are not allowed in HTTPS upstream addresses (the /dns-query path is used by default): https://1.1.1.1/",
        "https://1.1.1.1/dns-query | paths are not allowed in HTTPS upstream addresses",
        "https://            | invalid address: 'https://'",
        "https://1.1.1.1%    | expected https://IP%NAME[:PORT] or https://[IPv6%NAME][:PORT]: 'https://1.1.1.1%'",
        "quic://1.1.1.1      | 'quic' is not supported as a destination protocol in forward: quic://1.1.1.1",
        "tls://1.1.1.1%      | expected tls://IP%NAME[:PORT] or tls://[IPv6%NAME][:PORT]: 'tls://1.1.1.1%'",
        "tls://[::1%dns.x    | expected tls://IP%NAME[:PORT] or tls://[IPv6%NAME][:PORT]",
        "tls://%dns.x        | expected tls://IP%NAME[:PORT]",
        "tls://1.1.1.1%a_b.example | 'a_b.example' cannot be a TLS server name (SNI host name)",
        "https://1.1.1.1%a_b.example | 'a_b.example' cannot be a TLS server name (SNI host name)",
        "https://dns.example%a_b.example | 'a_b.example' cannot be a TLS server name (SNI host name)",
      })
  void badToIsAnErrorAtTheDirectiveLine(String to, String expected) {
    ConfigException error = assertThrows(ConfigException.class, () -> parse("forward . " + to + " {\n max_fails 1\n}"));
    assertTrue(error.getMessage().startsWith("<test>:2: forward: " + expected), error.getMessage());
  }

  /** CoreDNS's TO syntax for host names (resolve.go's parseAsHostEntry) and per-upstream TLS names (splitZone). */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "dns.example.com                    | dns.example.com          | 53    | DNS   |",
        "dns.example.com:5353               | dns.example.com          | 5353  | DNS   |",
        "dns://dns.example.com.             | dns.example.com.         | 53    | DNS   |",
        "rbldnsd.rbldnsd.svc.cluster.local  | rbldnsd.rbldnsd.svc.cluster.local | 53 | DNS   |",
        "localhost:5300                     | localhost                | 5300  | DNS   |",
        "tls://dns.example.com              | dns.example.com          | 853   | TLS   |",
        "tls://dns.example.com%dns.quad9.net:10853 | dns.example.com   | 10853 | TLS   | dns.quad9.net",
        "https://dns.example.com            | dns.example.com          | 443   | HTTPS |",
        "https://dns.example.com%dns.quad9.net:8443 | dns.example.com  | 8443  | HTTPS | dns.quad9.net",
      })
  void hostNamesAreDestinationsResolvedLater(String to, String host, int port, UpstreamScheme scheme,
      String serverName) throws ConfigException {
    ForwardConfig config = parse("forward . " + to);
    assertEquals(List.of(new Destination.HostName(host, port, scheme, Optional.ofNullable(serverName))),
        config.destinations());
    assertTrue(config.upstreams().isEmpty(), "no address before the name is looked up");
    assertTrue(config.hasHostNames());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "tls://9.9.9.9%dns.quad9.net              | 9.9.9.9     | 853   | dns.quad9.net",
        "tls://9.9.9.9%dns.quad9.net:10853        | 9.9.9.9     | 10853 | dns.quad9.net",
        "tls://[2001:db8::1%dns.example]:8853     | 2001:db8::1 | 8853  | dns.example",
        "tls://[2001:db8::1%dns.example]          | 2001:db8::1 | 853   | dns.example",
      })
  void tlsUpstreamsMayCarryTheirOwnServerName(String to, String ip, int port, String serverName) throws ConfigException {
    ForwardConfig config = parse("forward . " + to + " tls://10.0.0.9");
    UpstreamAddress upstream = config.upstreams().get(0);
    assertEquals(new InetSocketAddress(ip, port), upstream.address());
    assertEquals(Optional.of(serverName), upstream.serverName());
    assertEquals(serverName, config.tlsClientFor(upstream).orElseThrow().serverName(), "its own name is verified");
    assertEquals("", config.tlsClientFor(config.upstreams().get(1)).orElseThrow().serverName(),
        "an upstream without one keeps the directive's settings");
  }

  /** CoreDNS's TestSplitZone for https://: the name is split off, the port kept or defaulted to 443. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "https://127.0.0.1%example.net:443        | 127.0.0.1   | 443   | example.net",
        "https://127.0.0.1%example.net            | 127.0.0.1   | 443   | example.net",
        "https://[::1%example.net]:443            | ::1         | 443   | example.net",
        "https://[2001:db8::1%dns.example]:8443   | 2001:db8::1 | 8443  | dns.example",
      })
  void httpsUpstreamsMayCarryTheirOwnServerName(String to, String ip, int port, String serverName)
      throws ConfigException {
    UpstreamAddress upstream = parse("forward . " + to).upstreams().get(0);
    assertEquals(new InetSocketAddress(ip, port), upstream.address());
    assertEquals(UpstreamScheme.HTTPS, upstream.scheme());
    assertEquals(Optional.of(serverName), upstream.serverName());
  }

  /**
   * CoreDNS's setup_test {@code forward . https://127.0.0.1} and TestSetupDOHHealthcheckTLSConfig:
   * port 443, path /dns-query, POST by default, tls_servername for the (same-transport) health
   * check too; protocols mix freely.
   */
  @Test
  void httpsUpstreamsTakeDohMethodAndTlsServerName() throws ConfigException {
    ForwardConfig plain = parse("forward . https://127.0.0.1");
    assertEquals("https://127.0.0.1:443/dns-query", DohClient.uri(plain.upstreams().get(0)).toString());
    assertEquals(DohMethod.POST, plain.dohMethod());
    assertTrue(plain.tlsClient().isEmpty(), "DoH needs none of the server's TLS clients");

    ForwardConfig named = parse("forward . https://127.0.0.1 {\n tls_servername dns.example\n doh_method GET\n}");
    assertEquals("dns.example", named.tlsServerName().orElseThrow());
    assertEquals(DohMethod.GET, named.dohMethod());
    assertEquals(DohMethod.POST, parse("forward . https://127.0.0.1 {\n doh_method POST\n}").dohMethod());

    ForwardConfig mixed = parse("forward . 10.0.0.1 tls://10.0.0.2 https://10.0.0.3 https://[2001:db8::3]:8443");
    assertEquals(List.of(UpstreamScheme.DNS, UpstreamScheme.TLS, UpstreamScheme.HTTPS, UpstreamScheme.HTTPS),
        mixed.upstreams().stream().map(UpstreamAddress::scheme).toList());
    assertEquals("https://[2001:db8:0:0:0:0:0:3]:8443/dns-query", DohClient.uri(mixed.upstreams().get(3)).toString()
        .replace("2001:db8::3", "2001:db8:0:0:0:0:0:3"));
  }

  /** Go's crypto/tls trims one trailing dot off the server name; Corvus does so while reading it. */
  @Test
  void aTrailingDotIsTrimmedOffTlsServerNames() throws ConfigException {
    assertEquals(Optional.of("dns.quad9.net"),
        parse("forward . https://9.9.9.9 {\n tls_servername dns.quad9.net.\n}").tlsServerName());
    assertEquals(Optional.of("dns.quad9.net"),
        parse("forward . tls://9.9.9.9 {\n tls_servername dns.quad9.net.\n}").tlsServerName());
    assertEquals(Optional.of("dns.quad9.net"),
        parse("forward . tls://9.9.9.9%dns.quad9.net.").upstreams().get(0).serverName());
    assertEquals(Optional.of("dns.quad9.net"),
        parse("forward . https://9.9.9.9%dns.quad9.net.:8443").upstreams().get(0).serverName());
  }

  /**
   * CoreDNS refuses tls_servername with a %NAME for tls:// only; for https:// it ignores %NAME and
   * verifies tls_servername, and so does Corvus, with a warning naming the ignored name.
   */
  @Test
  void tlsServerNameWinsOverTheOwnNameOfAnHttpsUpstream() throws Exception {
    DirectiveConfig both = kit.config("forward . https://1.1.1.1%a.example https://1.1.1.2 {\n tls_servername b.example\n}");
    ForwardConfig config = ForwardFactory.parse(both, kit.ioLoops());
    assertEquals(Optional.of("b.example"), config.serverNameFor(config.upstreams().get(0)));
    assertEquals(Optional.of("b.example"), config.serverNameFor(config.upstreams().get(1)));
    assertEquals(1, both.warnings().size(), both.warnings().toString());
    assertTrue(both.warnings().get(0).contains("tls_servername 'b.example' is used for https:// upstreams; their own"
        + " server names (a.example) are ignored"), both.warnings().get(0));

    ForwardConfig own = parse("forward . https://1.1.1.1%a.example tls://1.1.1.3%c.example");
    assertEquals(Optional.of("a.example"), own.serverNameFor(own.upstreams().get(0)));
    assertEquals(Optional.of("c.example"), own.serverNameFor(own.upstreams().get(1)));
  }

  @Test
  void dohOptionsThatCannotMatterAreWarnedAbout() throws Exception {
    DirectiveConfig noHttps = kit.config("forward . 10.0.0.1 {\n doh_method GET\n}");
    ForwardFactory.parse(noHttps, kit.ioLoops());
    assertEquals(List.of("doh_method has no effect: no TO is https://"),
        noHttps.warnings().stream().map(w -> w.substring(w.indexOf("doh_method has"))).toList());

    DirectiveConfig source = kit.config("forward . https://10.0.0.1 {\n source_address 10.0.0.100\n}");
    ForwardFactory.parse(source, kit.ioLoops());
    assertEquals(1, source.warnings().size(), source.warnings().toString());
    assertTrue(source.warnings().get(0).contains("source_address does not apply to https:// upstreams"));
  }

  @Test
  void tlsFilesTheJdkCannotLoadAreAnErrorAtTheTlsLineForHttpsUpstreams() throws Exception {
    Path notACertificate = Files.writeString(directory.resolve("ca.pem"), "not a certificate\n");
    ConfigException error = assertThrows(ConfigException.class,
        () -> parse("forward . https://10.0.0.1 {\n max_fails 3\n tls " + notACertificate + "\n}"));
    assertTrue(error.getMessage().startsWith("<test>:4: forward: tls: "), error.getMessage());
  }

  @Test
  void aTlsServerNameAloneNeedsNoDirectiveWideSettings() throws ConfigException {
    ForwardConfig config = parse("forward . tls://1.1.1.1%one.one.one.one tls://1.0.0.1%one.one.one.one");
    assertTrue(config.tlsClient().isEmpty());
    assertEquals(Map.of("one.one.one.one", "one.one.one.one"), Map.of(
        "one.one.one.one", config.namedTlsClients().get("one.one.one.one").serverName()));
    assertEquals(2, config.upstreams().size());
  }

  @Test
  void resolverServersAreIpAddressesWithOptionalPorts() throws Exception {
    ForwardConfig config = parse("forward . dns.example.com {\n resolver 127.0.0.1 [::1]:5353 10.0.0.53:5300\n}");
    assertEquals(List.of(new InetSocketAddress("127.0.0.1", 53), new InetSocketAddress("::1", 5353),
        new InetSocketAddress("10.0.0.53", 5300)), config.resolvers());
  }

  @Test
  void optionsThatCannotMatterAreWarnedAbout() throws Exception {
    DirectiveConfig noHosts = kit.config("forward . 10.0.0.1 {\n resolver 127.0.0.1\n}");
    ForwardFactory.parse(noHosts, kit.ioLoops());
    assertEquals(1, noHosts.warnings().size(), noHosts.warnings().toString());
    assertTrue(noHosts.warnings().get(0).contains("resolver has no effect"), noHosts.warnings().toString());

    DirectiveConfig otherFamily = kit.config("forward . [2001:db8::1]:53 10.0.0.1 {\n source_address 127.0.0.2\n}");
    ForwardFactory.parse(otherFamily, kit.ioLoops());
    assertEquals(1, otherFamily.warnings().size(), otherFamily.warnings().toString());
    assertTrue(otherFamily.warnings().get(0).contains("not of one address family"), otherFamily.warnings().toString());
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
        "forward . https://10.0.0.1 {\\n  doh_method get\\n}  | <test>:3: forward: doh_method: doh_method must be either POST or GET, not 'get'",
        "forward . https://10.0.0.1 {\\n  doh_method\\n}  | <test>:3: forward: doh_method: missing GET|POST",
        "forward . https://10.0.0.1 {\\n  doh_method GET POST\\n}  | <test>:3: forward: doh_method: unexpected argument",
        "forward . /nonexistent/resolv.conf                | <test>:2: forward: not an IP address, file, or valid domain: '/nonexistent/resolv.conf'",
        "forward . 10.0.0.1 {\\n  max_idle_conns -1\\n}    | <test>:3: forward: max_idle_conns: INTEGER must be between 0 and",
        "forward . 10.0.0.1 {\\n  max_idle_conns\\n}       | <test>:3: forward: max_idle_conns: missing INTEGER",
        "forward . 10.0.0.1 {\\n  max_age -1s\\n}          | <test>:3: forward: max_age: expected a duration for DURATION",
        "forward . 10.0.0.1 {\\n  max_age soon\\n}         | <test>:3: forward: max_age:",
        "forward . 10.0.0.1 {\\n  max_age 5s\\n}           | <test>:3: forward: max_age (5 s) must not be less than expire (10 s)",
        "forward . 10.0.0.1 {\\n  max_age 5s\\n  expire 6s\\n} | <test>:4: forward: max_age (5 s) must not be less than expire (6 s)",
        "forward . 10.0.0.1 {\\n  next_on_nodata yes\\n}   | <test>:3: forward: next_on_nodata: unexpected argument \"yes\"",
        "forward . 10.0.0.1 {\\n  source_address\\n}       | <test>:3: forward: source_address: missing IP",
        "forward . 10.0.0.1 {\\n  source_address eth0\\n}  | <test>:3: forward: source_address: invalid IP address: eth0",
        "forward . 10.0.0.1 {\\n  source_address 1.2.3.4 5.6.7.8\\n} | <test>:3: forward: source_address: unexpected argument",
        "forward . dns.google {\\n  resolver\\n}           | <test>:3: forward: resolver: expected at least one IP[:PORT]",
        "forward . dns.google {\\n  resolver dns.example\\n} | <test>:3: forward: resolver: resolver must be an IP address or IP:port: 'dns.example'",
        "forward . dns.google {\\n  resolver 127.0.0.1:0\\n} | <test>:3: forward: resolver: port 0 is not a port",
        "forward . tls://1.1.1.1 {\\n tls_servername a_b.example\\n} | <test>:3: forward: tls_servername: 'a_b.example' cannot be a TLS server name (SNI host name)",
        "forward . https://1.1.1.1 {\\n tls_servername a_b.example\\n} | <test>:3: forward: tls_servername: 'a_b.example' cannot be a TLS server name (SNI host name)",
        "forward . tls://1.1.1.1%a.example https://1.1.1.2%c.example {\\n tls_servername b.example\\n} | <test>:3: forward: tls_servername: both tls_servername ('b.example') and per-upstream TLS server names of tls:// upstreams (a.example) are set",
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
