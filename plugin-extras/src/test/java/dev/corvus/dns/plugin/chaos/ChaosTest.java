package dev.corvus.dns.plugin.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

class ChaosTest {

  private static Message chaos(DnsClient client, String name) throws Exception {
    Message query = Message.newQuery(Record.newRecord(Name.fromString(name), Type.TXT, DClass.CH));
    return client.udp(query);
  }

  private static List<String> texts(Message m) {
    return m.getSection(Section.ANSWER).stream().map(r -> ((TXTRecord) r).getStrings().get(0)).toList();
  }

  @Test
  void answersVersionAuthorsAndHostname() throws Exception {
    String corefile = ".:0 {\n chaos Corvus-001 bob@example.org alice@example.org bob@example.org\n}\n";
    try (Corvus s = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      DnsClient client = new DnsClient(s.udpAddress());
      assertEquals(List.of("Corvus-001"), texts(chaos(client, "version.bind.")));
      assertEquals(List.of("Corvus-001"), texts(chaos(client, "VERSION.SERVER.")));
      Message version = chaos(client, "version.bind.");
      assertEquals(DClass.CH, version.getSection(Section.ANSWER).get(0).getDClass());
      assertEquals(0, version.getSection(Section.ANSWER).get(0).getTTL());
      assertEquals(new TreeSet<>(List.of("alice@example.org", "bob@example.org")),
          new TreeSet<>(texts(chaos(client, "authors.bind."))));
      assertEquals(2, texts(chaos(client, "authors.bind.")).size());
      String hostname = texts(chaos(client, "hostname.bind.")).get(0);
      assertFalse(hostname.isEmpty());
      assertEquals(List.of(hostname), texts(chaos(client, "id.server.")));
      // other CH names and IN queries are not chaos's: nothing follows, so SERVFAIL
      assertEquals(Rcode.SERVFAIL, chaos(client, "other.bind.").getRcode());
      assertEquals(Rcode.SERVFAIL, client.udp("version.bind.", Type.TXT).getRcode());
    }
  }

  @Test
  void defaultVersionNamesCorvus() throws Exception {
    try (Corvus s = Corvus.builder().corefile(".:0 {\n chaos\n}\n").dnsPort(0).start()) {
      assertTrue(texts(chaos(new DnsClient(s.udpAddress()), "version.bind.")).get(0).startsWith("Corvus-"));
    }
  }

  @Test
  void aBlockIsRejected() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> Corvus.builder().corefile(".:0 {\n chaos 1 {\n  authors x\n }\n}\n").dnsPort(0).start().close());
    assertTrue(e.getMessage().contains("chaos"), e.getMessage());
  }
}
