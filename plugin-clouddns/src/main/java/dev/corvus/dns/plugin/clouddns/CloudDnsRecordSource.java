package dev.corvus.dns.plugin.clouddns;

import com.google.api.services.dns.Dns;
import com.google.api.services.dns.model.ResourceRecordSet;
import com.google.api.services.dns.model.ResourceRecordSetsListResponse;
import dev.corvus.dns.cloudzones.RecordSource;
import dev.corvus.dns.cloudzones.ZoneRecords;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * Managed zones read through Google's Cloud DNS client, built on the refresh thread at the first
 * refresh (it reads the credentials file) and again at the next one when that failed.
 */
final class CloudDnsRecordSource implements RecordSource<CloudDnsConfig.ManagedZone> {

  /** Builds the client; may fail (no credentials yet) and is tried again at the next refresh. */
  @FunctionalInterface
  interface Clients {
    Dns build(CloudDnsConfig config) throws IOException;
  }

  private static final Logger log = LoggerFactory.getLogger(CloudDnsRecordSource.class);

  private final CloudDnsConfig config;
  private final Clients clients;
  private Dns client;

  CloudDnsRecordSource(CloudDnsConfig config, Clients clients) {
    this.config = config;
    this.clients = clients;
  }

  @Override
  public boolean connect() {
    if (client == null) {
      try {
        client = clients.build(config);
      } catch (IOException | RuntimeException e) {
        log.error("clouddns: cannot create the Cloud DNS client for {}, trying again at the next refresh: {}",
            config.zones().keySet(), e.toString());
        return false;
      }
    }
    return true;
  }

  @Override
  public void check(Name zone, CloudDnsConfig.ManagedZone managed) throws IOException {
    // CoreDNS checks each managed zone exists before serving it
    client.managedZones().get(managed.project(), managed.name()).execute();
  }

  @Override
  public void list(Name zone, CloudDnsConfig.ManagedZone managed, ZoneRecords.Builder records) throws IOException {
    String pageToken = null;
    do {
      ResourceRecordSetsListResponse page = client.resourceRecordSets()
          .list(managed.project(), managed.name())
          .setPageToken(pageToken)
          .execute();
      List<ResourceRecordSet> sets = page.getRrsets() == null ? List.of() : page.getRrsets();
      for (ResourceRecordSet set : sets) {
        try {
          for (Record record : RecordSets.records(set)) {
            records.add(record);
          }
        } catch (RecordSets.Unusable e) {
          log.warn("clouddns: failed to process resource record set of {}:{}: {}", zone, managed, e.getMessage());
        }
      }
      pageToken = page.getNextPageToken();
    } while (pageToken != null && !pageToken.isEmpty());
  }
}
