package dev.corvus.dns.plugin.log;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.plugin.testing.CapturedStderr;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
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
      // written by the log's own thread, after the response
      assertTrue(err.awaitLine(l -> line.matcher(l).matches(), Duration.ofSeconds(5)),
          () -> "no line like " + line + " in " + err.lines());
    }
  }
}
