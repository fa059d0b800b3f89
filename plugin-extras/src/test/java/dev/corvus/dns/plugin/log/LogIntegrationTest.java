package dev.corvus.dns.plugin.log;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.plugin.debug.testkit.CapturedStderr;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.server.testkit.Poll;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

class LogIntegrationTest {

  @Test
  void logsOneCommonLogFormatLinePerQuery() throws Exception {
    try (CapturedStderr err = new CapturedStderr();
        Corvus server = Corvus.builder().corefile(".:0 {\n bind 127.0.0.1\n log\n whoami\n}").dnsPort(0).start()) {
      Message query = DnsClient.newQuery("Who.Example.", Type.A);
      int size = query.toWire().length;
      Message response = new DnsClient(server.udpAddress()).udp(query);
      Pattern line = Pattern.compile(".*INFO .*127\\.0\\.0\\.1:\\d+ - " + query.getHeader().getID()
          + " \"A IN who\\.example\\. udp " + size + " false 512\" NOERROR qr,aa,rd " + response.toWire().length
          + " \\d+(\\.\\d+)?s$");
      assertTrue(Poll.until(Duration.ofSeconds(5), () -> err.lines().stream().anyMatch(l -> line.matcher(l).matches())),
          () -> "no line like " + line + " in " + err.lines());
    }
  }
}
