package dev.corvus.dns.api.capability;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;

/**
 * A plugin that holds whole zones ({@code file}, {@code auto}, {@code secondary}, {@code
 * kubernetes}) and lets the {@code transfer} directive send them to secondaries, as CoreDNS's
 * {@code transfer.Transferer}.
 * Exported through {@link dev.corvus.dns.api.plugin.ServiceRegistry#export} while the plugin is
 * created; {@code transfer} finds every source of its server block with {@link
 * dev.corvus.dns.api.plugin.ServiceRegistry#lookupAll} from {@code start} on.
 *
 * <p>Implementations are called from I/O threads and must answer from memory, without blocking.
 */
public interface ZoneSource {

  /** The zones this source serves now (their origins). */
  List<Name> zones();

  /**
   * A consistent snapshot of {@code zone} in zone transfer order (RFC 5936 §2.2): its SOA first,
   * then every other record of the zone once (glue and DNSSEC records included), without the
   * closing SOA, which the transfer adds. Empty when this source does not serve {@code zone} (not
   * authoritative), or does not have a copy of it yet.
   */
  Optional<List<Record>> records(Name zone);

  /**
   * The records of {@link #records} when they are ready: what {@code transfer} asks for. A source
   * whose snapshot is costly to build (the {@code kubernetes} plugin's, made from every Service)
   * overrides this to build it off the I/O thread; the default answers with {@link #records} at
   * once.
   */
  default CompletionStage<Optional<List<Record>>> snapshot(Name zone) {
    return CompletableFuture.completedFuture(records(zone));
  }

  /** The SOA {@code zone} is served with; empty as for {@link #records}. */
  default Optional<SOARecord> soa(Name zone) {
    return records(zone).map(records -> (SOARecord) records.get(0));
  }

  /**
   * Asks to be told the origin of a zone each time this source starts serving a new version of it
   * (a higher SOA serial after a reload or a transfer), so that secondaries can be notified (RFC
   * 1996). Called on any thread but an I/O thread; the listener must return quickly.
   */
  void onChange(Consumer<Name> listener);
}
