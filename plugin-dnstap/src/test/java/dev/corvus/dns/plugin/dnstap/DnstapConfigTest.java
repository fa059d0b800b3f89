package dev.corvus.dns.plugin.dnstap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.Corvus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The directive as CoreDNS's setup_test.go reads it, and Corvus's errors for what it does not support. */
class DnstapConfigTest {

  private record Case(String directive, String error) {}

  @Test
  void rejectsWithFileAndLine() {
    List<Case> cases = List.of(
        new Case("dnstap", "dnstap: "),
        new Case("dnstap /tmp/x.sock full 0", "WRITEBUFFER"),
        new Case("dnstap /tmp/x.sock full 1025", "WRITEBUFFER"),
        new Case("dnstap /tmp/x.sock full 1 4097", "QUEUE"),
        new Case("dnstap /tmp/x.sock fast", "expected full, got fast"),
        new Case("dnstap /tmp/x.sock full 1 1 extra", ""),
        new Case("dnstap tls://127.0.0.1:6000", "tls:// endpoints are not supported"),
        new Case("dnstap listen /tmp/x.sock", "listen mode"),
        new Case("dnstap tcp://127.0.0.1", "expected tcp://HOST:PORT"),
        new Case("dnstap /tmp/x.sock {\n  skipverify\n }", "TLS endpoints are not supported"),
        new Case("dnstap /tmp/x.sock {\n  colour blue\n }", "colour"),
        new Case("dnstap /tmp/x.sock {\n  identity\n }", "IDENTITY"));
    for (Case c : cases) {
      ConfigException error = assertThrows(ConfigException.class,
          () -> Corvus.builder().corefile(". {\n whoami\n " + c.directive() + "\n}").dnsPort(0).start(), c.directive());
      assertTrue(error.getMessage().matches("(?s).*:\\d: dnstap: .*") && error.getMessage().contains(c.error()),
          c.directive() + " -> " + error.getMessage());
    }
  }

  @Test
  void readsEndpointsAndOptionsAsCoreDns() throws Exception {
    for (String directive : List.of("dnstap /tmp/x.sock", "dnstap unix:///tmp/x.sock full",
        "dnstap tcp://127.0.0.1:6000 full 1024 2048", "dnstap tcp://[::1]:6000",
        "dnstap /tmp/x.sock {\n  identity a\n  version b\n  extra \"c {/forward/upstream}\"\n }")) {
      try (Corvus server = Corvus.builder().corefile(". {\n bind 127.0.0.1\n " + directive + "\n whoami\n}")
          .dnsPort(0).start()) {
        assertEquals(1, server.chains().values().stream().filter(c -> c.contains("dnstap")).count(), directive);
      }
    }
  }
}
