package dev.corvus.dns.plugin.geoip;

import com.maxmind.db.Reader;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An open {@code .mmdb} file and what its records can give: the city schema (GeoIP2/GeoLite2
 * City, Country, Enterprise and DB-IP's equivalents) or the ASN schema, told apart by the database
 * type in its metadata as CoreDNS's reader ({@code oschwald/geoip2-golang}) tells them apart.
 */
final class GeoipDatabase implements AutoCloseable {

  /** geoip2-golang's database types with the city (and country) schema. */
  private static final Set<String> CITY = Set.of("DBIP-City-Lite", "DBIP-Country-Lite", "DBIP-Country",
      "DBIP-Location (compat=City)", "GeoLite2-City", "GeoIP2-City", "GeoIP2-City-Africa",
      "GeoIP2-City-Asia-Pacific", "GeoIP2-City-Europe", "GeoIP2-City-North-America",
      "GeoIP2-City-South-America", "GeoIP2-Precision-City", "GeoLite2-Country", "GeoIP2-Country",
      "GeoIP2-Enterprise");
  /** geoip2-golang's database types with the ASN schema. */
  private static final Set<String> ASN =
      Set.of("DBIP-ASN-Lite", "DBIP-ASN-Lite (compat=GeoLite2-ASN)", "GeoLite2-ASN", "GeoIP2-ASN");
  /** Types geoip2-golang reads, but with none of the schemas CoreDNS publishes. */
  private static final Set<String> OTHER = Set.of("GeoIP2-Anonymous-IP", "GeoIP2-Anonymous-Plus",
      "GeoIP2-Connection-Type", "GeoIP2-Domain", "GeoIP2-ISP", "GeoIP2-IP-Risk");

  private final Reader reader;
  private final boolean city;
  private final boolean asn;

  private GeoipDatabase(Reader reader, boolean city, boolean asn) {
    this.reader = reader;
    this.city = city;
    this.asn = asn;
  }

  /**
   * Opens {@code file} and checks its type.
   *
   * @throws IOException with CoreDNS's wording when the file cannot be read as a MaxMind DB or
   *     its type has no supported schema
   */
  static GeoipDatabase open(Path file) throws IOException {
    Reader reader;
    try {
      reader = new Reader(file.toFile());
    } catch (IOException | RuntimeException e) {
      throw new IOException("failed to open database file: " + file + ": " + e.getMessage(), e);
    }
    String type = reader.getMetadata().getDatabaseType();
    boolean city = CITY.contains(type);
    boolean asn = ASN.contains(type);
    if (!city && !asn) {
      reader.close();
      throw new IOException(OTHER.contains(type)
          ? "database does not provide any supported schema (city, asn)"
          : "reader does not support the \"" + type + "\" database type");
    }
    return new GeoipDatabase(reader, city, asn);
  }

  boolean providesCity() {
    return city;
  }

  boolean providesAsn() {
    return asn;
  }

  /** The database type its metadata names, e.g. {@code GeoLite2-City}. */
  String type() {
    return reader.getMetadata().getDatabaseType();
  }

  /** The record for {@code address}, empty when the database has none (or cannot be read). */
  Map<?, ?> lookup(InetAddress address) {
    try {
      Map<?, ?> found = reader.get(address, Map.class);
      return found == null ? Map.of() : found;
    } catch (IOException | RuntimeException e) {
      // CoreDNS logs lookup errors at debug level and publishes nothing for the schema.
      return null;
    }
  }

  /** The value at {@code path} in a record, or {@code null}. */
  static Object at(Map<?, ?> record, String... path) {
    Object value = record;
    for (String key : path) {
      if (!(value instanceof Map<?, ?> map)) {
        return null;
      }
      value = map.get(key);
    }
    return value;
  }

  /** The ISO codes of a record's subdivisions, in order (CoreDNS joins them with commas). */
  static List<String> subdivisionCodes(Map<?, ?> record) {
    List<String> codes = new ArrayList<>();
    if (record.get("subdivisions") instanceof List<?> list) {
      for (Object subdivision : list) {
        Object code = subdivision instanceof Map<?, ?> map ? map.get("iso_code") : null;
        codes.add(code == null ? "" : code.toString());
      }
    }
    return codes;
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException e) {
      // nothing to do: the mapping goes with the reader
    }
  }
}
