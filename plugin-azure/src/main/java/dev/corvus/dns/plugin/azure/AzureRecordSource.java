package dev.corvus.dns.plugin.azure;

import com.azure.resourcemanager.dns.fluent.RecordSetsClient;
import dev.corvus.dns.cloudzones.RecordSource;
import dev.corvus.dns.cloudzones.ZoneRecords;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * Azure DNS zones read through the Azure SDK's record-set clients, public zones from
 * {@code Microsoft.Network/dnsZones}, private ones from {@code Microsoft.Network/privateDnsZones};
 * the SDK's paged iterables follow {@code nextLink} and block.
 */
final class AzureRecordSource implements RecordSource<AzureConfig.AzureZone> {

  private static final Logger log = LoggerFactory.getLogger(AzureRecordSource.class);

  private final RecordSetsClient publicRecordSets;
  private final com.azure.resourcemanager.privatedns.fluent.RecordSetsClient privateRecordSets;

  AzureRecordSource(RecordSetsClient publicRecordSets,
      com.azure.resourcemanager.privatedns.fluent.RecordSetsClient privateRecordSets) {
    this.publicRecordSets = publicRecordSets;
    this.privateRecordSets = privateRecordSets;
  }

  @Override
  public void check(Name zone, AzureConfig.AzureZone listed) {
    // CoreDNS's check is a listing of the zone: here the first listing is the check (a zone that
    // does not exist fails it, and the plugin stays unready), with no request of its own
  }

  @Override
  public void list(Name zone, AzureConfig.AzureZone listed, ZoneRecords.Builder records) {
    if (listed.isPrivate()) {
      // GET .../privateDnsZones/{zone}/ALL, following nextLink
      addAll(records, zone, listed, privateRecordSets.list(listed.resourceGroup(), listed.name()),
          RecordSets::records);
    } else {
      // GET .../dnsZones/{zone}/recordsets, following nextLink (CoreDNS's ListByDNSZone)
      addAll(records, zone, listed, publicRecordSets.listByDnsZone(listed.resourceGroup(), listed.name()),
          RecordSets::records);
    }
  }

  @FunctionalInterface
  private interface Converter<T> {
    List<Record> convert(T set) throws RecordSets.Unusable;
  }

  private static <T> void addAll(ZoneRecords.Builder records, Name zone, AzureConfig.AzureZone listed,
      Iterable<T> sets, Converter<T> converter) {
    for (T set : sets) {
      try {
        for (Record record : converter.convert(set)) {
          records.add(record);
        }
      } catch (RecordSets.Unusable e) {
        log.warn("azure: {} ({}): skipping a record set: {}", zone, listed, e.getMessage());
      }
    }
  }
}
