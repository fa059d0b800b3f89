package dev.corvus.dns.plugin.geoip;

import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.metadata.MetadataProvider;
import dev.corvus.dns.api.metadata.MetadataSink;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.OPTRecord;

/**
 * CoreDNS's geoip labels ({@code plugin/geoip/city.go}, {@code asn.go}). The database is read
 * once per query, when a handler or view first reads one of the labels; a query whose labels
 * nobody reads costs the suppliers only. Empty values publish no value (CoreDNS's empty string).
 */
final class GeoipMetadata implements MetadataProvider {

  private final GeoipDatabase database;
  private final boolean ednsSubnet;

  GeoipMetadata(GeoipDatabase database, boolean ednsSubnet) {
    this.database = database;
    this.ednsSubnet = ednsSubnet;
  }

  @Override
  public void publish(Request request, MetadataSink sink) {
    Lookup lookup = new Lookup(request);
    if (database.providesCity()) {
      sink.put("geoip/city/name", lookup.text("city", "names", "en"));
      sink.put("geoip/country/name", lookup.text("country", "names", "en"));
      sink.put("geoip/continent/name", lookup.text("continent", "names", "en"));
      sink.put("geoip/country/code", lookup.text("country", "iso_code"));
      sink.put("geoip/subdivisions/code",
          () -> lookup.apply(r -> String.join(",", GeoipDatabase.subdivisionCodes(r))));
      sink.put("geoip/country/is_in_european_union",
          () -> lookup.apply(r -> Boolean.toString(Boolean.TRUE.equals(GeoipDatabase.at(r, "country",
              "is_in_european_union")))));
      sink.put("geoip/continent/code", lookup.text("continent", "code"));
      sink.put("geoip/latitude", lookup.number("location", "latitude"));
      sink.put("geoip/longitude", lookup.number("location", "longitude"));
      sink.put("geoip/timezone", lookup.text("location", "time_zone"));
      sink.put("geoip/postalcode", lookup.text("postal", "code"));
    }
    if (database.providesAsn()) {
      // A missing number is 0, as CoreDNS formats geoip2-golang's zero value.
      sink.put("geoip/asn/number", () -> lookup.apply(r -> {
        Object number = GeoipDatabase.at(r, "autonomous_system_number");
        return number == null ? "0" : number.toString();
      }));
      sink.put("geoip/asn/org", lookup.text("autonomous_system_organization"));
    }
  }

  /** The address CoreDNS looks up: the ECS option's with {@code edns-subnet}, else the client's. */
  private InetAddress address(Request request) {
    if (ednsSubnet) {
      OPTRecord opt = request.opt();
      if (opt != null) {
        for (EDNSOption option : opt.getOptions(EDNSOption.Code.CLIENT_SUBNET)) {
          if (option instanceof ClientSubnetOption subnet) {
            return subnet.getAddress();
          }
        }
      }
    }
    return request.client().getAddress();
  }

  /** One query's record, read when first needed. */
  private final class Lookup {
    private final Request request;
    private boolean done;
    private Map<?, ?> record;

    Lookup(Request request) {
      this.request = request;
    }

    synchronized String apply(Function<Map<?, ?>, String> field) {
      if (!done) {
        record = database.lookup(address(request));
        done = true;
      }
      if (record == null) {
        return null;
      }
      String value = field.apply(record);
      return value == null || value.isEmpty() ? null : value;
    }

    /** A number as Go's {@code strconv.FormatFloat(f, 'f', -1, 64)} writes it: plain, shortest. */
    Supplier<String> number(String... path) {
      return () -> apply(r -> GeoipDatabase.at(r, path) instanceof Number n
          ? new BigDecimal(Double.toString(n.doubleValue())).stripTrailingZeros().toPlainString() : null);
    }

    Supplier<String> text(String... path) {
      return () -> apply(r -> {
        Object value = GeoipDatabase.at(r, path);
        return value == null ? null : value.toString();
      });
    }
  }
}
