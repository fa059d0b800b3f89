package dev.corvus.dns.plugin.clouddns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.services.dns.model.ResourceRecordSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Record sets read as CoreDNS's updateZoneFromRRS reads them. */
class RecordSetsTest {

  private static List<String> read(String name, String type, long ttl, String... values) throws Exception {
    ResourceRecordSet set = new ResourceRecordSet().setName(name).setType(type).setTtl((int) ttl)
        .setRrdatas(List.of(values));
    return RecordSets.records(set).stream().map(r -> r.toString().replaceAll("\\s+", " ")).toList();
  }

  @Test
  void namesAreRelativeToTheRootAndCnameAndPtrTargetsFullyQualified() throws Exception {
    assertEquals(List.of("www.example.org. 300 IN A 1.2.3.4"), read("www.example.org", "A", 300, "1.2.3.4"));
    assertEquals(List.of("sample.example.org. 300 IN CNAME example.org."),
        read("sample.example.org", "CNAME", 300, "example.org"));
    assertEquals(List.of("4.3.2.1.in-addr.arpa. 300 IN PTR ptr.example.org."),
        read("4.3.2.1.in-addr.arpa.", "PTR", 300, "ptr.example.org"));
    // an SRV target is read relative to the root too, as dns.NewRR without an origin does
    assertEquals(List.of("_x._tcp.example.org. 300 IN SRV 0 0 5269 split-example.org.",
        "_x._tcp.example.org. 300 IN SRV 0 0 5269 other-example.org."),
        read("_x._tcp.example.org.", "SRV", 300, "0 0 5269 split-example.org", "0 0 5269 other-example.org"));
    assertEquals(List.of("example.org. 300 IN CAA 0 issue \"letsencrypt.org\""),
        read("example.org.", "CAA", 300, "0 issue \"letsencrypt.org\""));
  }

  @Test
  void aSetWithARoutingPolicyAndNoValuesGivesNoRecords() throws Exception {
    ResourceRecordSet geo = new ResourceRecordSet().setName("geo.example.org.").setType("A").setTtl(300);
    assertEquals(List.of(), RecordSets.records(geo));
  }

  @Test
  void whatCannotBeReadIsUnusable() {
    RecordSets.Unusable type = assertThrows(RecordSets.Unusable.class, () -> read("swag.", "YOLO", 300, "foobar"));
    assertEquals("unsupported record type YOLO of swag.", type.getMessage());
    RecordSets.Unusable value = assertThrows(RecordSets.Unusable.class,
        () -> read("example.org.", "A", 300, "not-an-address"));
    assertTrue(value.getMessage().startsWith("failed to parse resource record example.org. 300 IN A not-an-address"),
        value.getMessage());
  }
}
