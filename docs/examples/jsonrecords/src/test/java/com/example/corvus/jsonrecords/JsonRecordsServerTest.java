package com.example.corvus.jsonrecords;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The plugin in a real server, queried over real sockets. */
class JsonRecordsServerTest {

  private static final String RECORDS = """
      {
        "www.example.org": { "A": ["192.0.2.1", "192.0.2.2"], "AAAA": ["2001:db8::1"] },
        "Example.ORG.":    { "MX": ["10 mail.example.org."] }
      }
      """;

  @TempDir Path dir;

  private Corvus start(String jsonrecordsLine, String json) throws Exception {
    Files.writeString(dir.resolve("records.json"), json);
    String corefile = ".:0 {\n    " + jsonrecordsLine + "\n    testanswer 198.51.100.7\n}\n";
    return Corvus.builder().corefile(corefile).dnsPort(0).start();
  }

  @Test
  void namesOfTheFileAreAnsweredAuthoritativelyAndOthersPassOn() throws Exception {
    try (Corvus server = start("jsonrecords " + dir.resolve("records.json"), RECORDS)) {
      DnsClient client = new DnsClient(server.udpAddress());
      Message www = client.udp("WWW.example.org.", Type.A);
      assertEquals(Rcode.NOERROR, www.getRcode());
      assertTrue(www.getHeader().getFlag(Flags.AA));
      assertEquals(List.of("192.0.2.1", "192.0.2.2"), rdata(www));

      Message mx = client.tcp("example.org.", Type.MX);
      assertEquals(10, ((MXRecord) mx.getSection(Section.ANSWER).get(0)).getPriority());

      Message other = client.udp("elsewhere.example.", Type.A);
      assertEquals(List.of("198.51.100.7"), rdata(other), "answered by the next directive");
    }
  }

  @Test
  void aKnownNameWithoutTheTypeIsNoData() throws Exception {
    try (Corvus server = start("jsonrecords " + dir.resolve("records.json"), RECORDS)) {
      Message txt = new DnsClient(server.udpAddress()).udp("www.example.org.", Type.TXT);
      assertEquals(Rcode.NOERROR, txt.getRcode());
      assertTrue(txt.getSection(Section.ANSWER).isEmpty());
    }
  }

  @Test
  void theTtlOptionSetsTheTtlOfEveryAnswer() throws Exception {
    try (Corvus server = start("jsonrecords " + dir.resolve("records.json") + " {\n ttl 5m\n }", RECORDS)) {
      Message www = new DnsClient(server.udpAddress()).udp("www.example.org.", Type.AAAA);
      assertEquals(300, www.getSection(Section.ANSWER).get(0).getTTL());
    }
  }

  @Test
  void aBrokenFileStopsTheServerFromStartingWithOneLineNamingFileAndPosition() {
    IOException error = assertThrows(IOException.class,
        () -> start("jsonrecords " + dir.resolve("records.json"), "{\n  \"www.example.org\": [1, 2]\n}\n").close());
    assertTrue(error.getMessage().contains("records.json:2:"), error.getMessage());
    assertFalse(error.getMessage().contains("\n"), "one line: " + error.getMessage());
  }

  @Test
  void anUnknownOptionIsAConfigurationError() {
    ConfigException error = assertThrows(ConfigException.class,
        () -> start("jsonrecords records.json {\n tll 5m\n }", RECORDS).close());
    assertEquals("<embedded>:3: jsonrecords: unknown option \"tll\", did you mean \"ttl\"?", error.getMessage());
  }

  private static List<String> rdata(Message message) {
    return message.getSection(Section.ANSWER).stream().map(Record::rdataToString).toList();
  }
}
