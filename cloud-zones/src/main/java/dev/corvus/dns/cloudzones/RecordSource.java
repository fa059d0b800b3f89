package dev.corvus.dns.cloudzones;

import java.io.IOException;
import org.xbill.DNS.Name;

/**
 * The vendor's side of a cloud DNS directive: how the listed zones are reached and their record
 * sets read. Called on the directive's refresh thread only (it may block), whose context class
 * loader is this class's: a plugin's SDK finds its providers in the plugin's own class loader.
 *
 * @param <S> how the vendor names a listed zone (a hosted zone ID, a project and managed zone);
 *     its {@code toString} names it in logs, after the zone and a colon
 */
public interface RecordSource<S> {

  /**
   * Called at the start of every refresh, before any listed zone is asked: builds the client when
   * there is none yet, for instance. Returning {@code false} skips this refresh (the source logs
   * why); the next one calls it again.
   */
  default boolean connect() {
    return true;
  }

  /**
   * Checks that {@code listed} exists and serves {@code zone}, as CoreDNS does before it serves a
   * listed zone; called before its first listing and again until it succeeds.
   *
   * @throws IOException or a runtime exception when the check fails: the zone is not listed
   */
  void check(Name zone, S listed) throws IOException;

  /**
   * Reads every record set of {@code listed}, all pages, into {@code records}. A record set that
   * cannot be served is logged by the source and left out.
   *
   * @throws IOException or a runtime exception when the listing fails: the zone keeps its last
   *     good listing
   */
  void list(Name zone, S listed, ZoneRecords.Builder records) throws IOException;

  /** Releases the client; called once when the directive stops, after its refresh thread was interrupted. */
  default void close() {}
}
