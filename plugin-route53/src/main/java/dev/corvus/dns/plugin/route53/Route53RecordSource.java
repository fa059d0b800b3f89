package dev.corvus.dns.plugin.route53;

import dev.corvus.dns.cloudzones.RecordSource;
import dev.corvus.dns.cloudzones.ZoneRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.ListResourceRecordSetsRequest;
import software.amazon.awssdk.services.route53.model.ListResourceRecordSetsResponse;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/** Hosted zones, by their IDs, read through the AWS SDK's Route 53 client; the SDK client blocks. */
final class Route53RecordSource implements RecordSource<String> {

  private static final Logger log = LoggerFactory.getLogger(Route53RecordSource.class);
  /** CoreDNS asks for this many record sets a page (the API's maximum). */
  static final String PAGE_SIZE = "1000";

  private final Route53Client client;

  Route53RecordSource(Route53Client client) {
    this.client = client;
  }

  @Override
  public void check(Name zone, String id) {
    // CoreDNS checks each ZONE:ID pair exists before serving it
    client.listHostedZonesByName(r -> r.dnsName(zone.toString()).hostedZoneId(id));
  }

  @Override
  public void list(Name zone, String id, ZoneRecords.Builder records) {
    ListResourceRecordSetsRequest request =
        ListResourceRecordSetsRequest.builder().hostedZoneId(id).maxItems(PAGE_SIZE).build();
    while (true) {
      ListResourceRecordSetsResponse page = client.listResourceRecordSets(request);
      for (ResourceRecordSet set : page.resourceRecordSets()) {
        try {
          for (Record record : RecordSets.records(set)) {
            records.add(record);
          }
        } catch (RecordSets.Unusable e) {
          log.warn("route53: failed to process resource record set: {}", e.getMessage());
        }
      }
      if (!Boolean.TRUE.equals(page.isTruncated())) {
        return;
      }
      request = request.toBuilder()
          .startRecordName(page.nextRecordName())
          .startRecordType(page.nextRecordTypeAsString())
          .startRecordIdentifier(page.nextRecordIdentifier())
          .build();
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
