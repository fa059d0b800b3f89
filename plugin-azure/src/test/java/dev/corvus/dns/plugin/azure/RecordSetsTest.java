package dev.corvus.dns.plugin.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.resourcemanager.dns.fluent.models.RecordSetInner;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Record;

/** Record sets, read by the SDK from Azure's JSON, as DNS records; unusable ones are refused with a reason. */
class RecordSetsTest {

  private static RecordSetInner publicSet(String properties) throws IOException {
    try (JsonReader reader = JsonProviders.createReader("{\"name\": \"x\", \"type\": \"Microsoft.Network/dnszones/A\","
        + " \"properties\": {" + properties + "}}")) {
      return RecordSetInner.fromJson(reader);
    }
  }

  private static com.azure.resourcemanager.privatedns.fluent.models.RecordSetInner privateSet(String properties)
      throws IOException {
    try (JsonReader reader = JsonProviders.createReader("{\"name\": \"x\", \"properties\": {" + properties + "}}")) {
      return com.azure.resourcemanager.privatedns.fluent.models.RecordSetInner.fromJson(reader);
    }
  }

  private static List<String> strings(List<Record> records) {
    return records.stream().map(r -> r.toString().replace('\t', ' ').replaceAll(" +", " ").replace(" IN ", " ")).toList();
  }

  @Test
  void everyServedTypeOfAPublicSet() throws Exception {
    assertEquals(List.of("a.example.org. 60 A 192.0.2.1", "a.example.org. 60 A 192.0.2.2"), strings(RecordSets.records(
        publicSet("\"fqdn\": \"a.example.org.\", \"TTL\": 60, \"ARecords\": [{\"ipv4Address\": \"192.0.2.1\"}, "
            + "{\"ipv4Address\": \"192.0.2.2\"}]"))));
    assertEquals(List.of("a.example.org. 60 AAAA 2001:db8:0:0:0:0:0:1"), strings(RecordSets.records(
        publicSet("\"fqdn\": \"a.example.org.\", \"TTL\": 60, \"AAAARecords\": [{\"ipv6Address\": \"2001:db8::1\"}]"))));
    assertEquals(List.of("mx.example.org. 60 MX 5 mail.example.net."), strings(RecordSets.records(
        publicSet("\"fqdn\": \"mx.example.org.\", \"TTL\": 60, \"MXRecords\": [{\"preference\": 5, \"exchange\": "
            + "\"mail.example.net\"}]"))), "names in values are made absolute, as CoreDNS's dns.Fqdn");
    assertEquals(List.of("_sip._tcp.example.org. 60 SRV 10 20 5060 sip.example.org."), strings(RecordSets.records(
        publicSet("\"fqdn\": \"_sip._tcp.example.org.\", \"TTL\": 60, \"SRVRecords\": [{\"priority\": 10, "
            + "\"weight\": 20, \"port\": 5060, \"target\": \"sip.example.org.\"}]"))));
    assertEquals(List.of("t.example.org. 60 TXT \"a\" \"b\"", "t.example.org. 60 TXT \"c\""), strings(RecordSets.records(
        publicSet("\"fqdn\": \"t.example.org.\", \"TTL\": 60, \"TXTRecords\": [{\"value\": [\"a\", \"b\"]}, "
            + "{\"value\": [\"c\"]}]"))));
    assertEquals(List.of("example.org. 3600 SOA ns1-01.azure-dns.com. azuredns-hostmaster.microsoft.com. 1 3600 300 "
        + "2419200 300"), strings(RecordSets.records(publicSet("\"fqdn\": \"example.org.\", \"TTL\": 3600, "
            + "\"SOARecord\": {\"host\": \"ns1-01.azure-dns.com.\", \"email\": \"azuredns-hostmaster.microsoft.com\", "
            + "\"serialNumber\": 1, \"refreshTime\": 3600, \"retryTime\": 300, \"expireTime\": 2419200, "
            + "\"minimumTTL\": 300}"))));
    assertEquals(List.of("example.org. 172800 NS ns1-01.azure-dns.com."), strings(RecordSets.records(
        publicSet("\"fqdn\": \"example.org.\", \"TTL\": 172800, \"NSRecords\": [{\"nsdname\": \"ns1-01.azure-dns.com.\"}]"))));
    assertEquals(List.of("4.2.0.192.in-addr.arpa. 60 PTR host.example.org."), strings(RecordSets.records(
        publicSet("\"fqdn\": \"4.2.0.192.in-addr.arpa.\", \"TTL\": 60, \"PTRRecords\": [{\"ptrdname\": \"host.example.org\"}]"))));
    assertEquals(List.of("c.example.org. 60 CNAME example.org."), strings(RecordSets.records(
        publicSet("\"fqdn\": \"c.example.org.\", \"TTL\": 60, \"CNAMERecord\": {\"cname\": \"example.org\"}"))));
    assertEquals(List.of(), RecordSets.records(publicSet("\"fqdn\": \"example.org.\", \"TTL\": 60, "
        + "\"caaRecords\": [{\"flags\": 0, \"tag\": \"issue\", \"value\": \"ca.example\"}]")), "CAA is not served");
  }

  @Test
  void aPrivateSetReadsItsLowerCaseFields() throws Exception {
    assertEquals(List.of("vm.corp.internal. 10 A 10.0.0.7"), strings(RecordSets.records(
        privateSet("\"fqdn\": \"vm.corp.internal.\", \"ttl\": 10, \"aRecords\": [{\"ipv4Address\": \"10.0.0.7\"}], "
            + "\"isAutoRegistered\": true"))));
  }

  @Test
  void unusableSetsAreRefusedWithAReason() {
    List<String[]> cases = List.of(
        new String[] {"\"TTL\": 60, \"ARecords\": [{\"ipv4Address\": \"192.0.2.1\"}]", "without fqdn"},
        new String[] {"\"fqdn\": \"a.example.org.\", \"ARecords\": [{\"ipv4Address\": \"192.0.2.1\"}]", "TTL null"},
        new String[] {"\"fqdn\": \"a.example.org.\", \"TTL\": -1, \"ARecords\": []", "TTL -1"},
        new String[] {"\"fqdn\": \"a.example.org.\", \"TTL\": 60, \"ARecords\": [{\"ipv4Address\": \"192.0.2\"}]",
            "not an address"},
        new String[] {"\"fqdn\": \"a.example.org.\", \"TTL\": 60, \"MXRecords\": [{\"preference\": 70000, "
            + "\"exchange\": \"m.example.org\"}]", "MX preference 70000 is out of range"},
        new String[] {"\"fqdn\": \"a.example.org.\", \"TTL\": 60, \"CNAMERecord\": {}", "no CNAME"},
        new String[] {"\"fqdn\": \"a..example.org.\", \"TTL\": 60, \"ARecords\": []", "fqdn"});
    for (String[] c : cases) {
      RecordSets.Unusable e = assertThrows(RecordSets.Unusable.class, () -> RecordSets.records(publicSet(c[0])), c[0]);
      assertTrue(e.getMessage().contains(c[1]), () -> c[0] + " -> " + e.getMessage());
    }
  }
}
