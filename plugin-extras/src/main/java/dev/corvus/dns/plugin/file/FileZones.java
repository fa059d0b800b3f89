package dev.corvus.dns.plugin.file;

import dev.corvus.dns.api.capability.ZoneSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * The zones of one {@code file}, {@code auto} or {@code secondary} as the {@code transfer} directive
 * sees them (CoreDNS's {@code Transfer} of these plugins): the zones served, their records in
 * transfer order, and a signal when one is replaced by a new serial.
 */
public final class FileZones implements ZoneSource {

  private static final Logger log = LoggerFactory.getLogger(FileZones.class);

  private final ZoneTable table;
  private final List<Consumer<Name>> listeners = new CopyOnWriteArrayList<>();

  /** The zones in {@code table}. */
  public FileZones(ZoneTable table) {
    this.table = table;
  }

  @Override
  public List<Name> zones() {
    return table.origins();
  }

  @Override
  public Optional<List<Record>> records(Name zone) {
    ZoneData data = table.zone(zone);
    return data == null ? Optional.empty() : Optional.of(data.transferOrder());
  }

  @Override
  public void onChange(Consumer<Name> listener) {
    listeners.add(listener);
  }

  /** Tells the listeners that {@code origin} is served with a new serial. */
  public void changed(Name origin) {
    for (Consumer<Name> listener : listeners) {
      try {
        listener.accept(origin);
      } catch (RuntimeException e) {
        log.warn("a zone change listener failed for {}: {}", origin, e.toString());
      }
    }
  }
}
