package dev.corvus.dns.plugin.kubernetes;

import dev.corvus.dns.api.plugin.Inspector;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.xbill.DNS.Name;

/**
 * The {@code kubernetes} inspector topic: for this instance of the plugin, its zones, where its
 * objects come from, whether it is synced, the state of each watched resource and the sizes of
 * its indexes.
 */
final class KubernetesInspector implements Inspector {

  private final KubernetesConfig config;
  private final ClusterIndex index;
  private final String server;
  private final Clock clock;
  private final Supplier<ClusterSource> source;
  private final BooleanSupplier synced;

  KubernetesInspector(
      KubernetesConfig config,
      ClusterIndex index,
      String server,
      Clock clock,
      Supplier<ClusterSource> source,
      BooleanSupplier synced) {
    this.config = config;
    this.index = index;
    this.server = server;
    this.clock = clock;
    this.source = source;
    this.synced = synced;
  }

  @Override
  public String topic() {
    return "kubernetes";
  }

  @Override
  public Object inspect(Map<String, String> parameters) {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("server", server);
    state.put("zones", zoneNames(config.zones()));
    ClusterSource current = source.get();
    state.put("source", current != null ? current.describe() : notStartedDescription());
    state.put("started", current != null);
    state.put("synced", synced.getAsBoolean());
    state.put("resources", resources(current));
    state.put("indexes", index.sizes());
    return state;
  }

  private String notStartedDescription() {
    if (config.apiSource() instanceof KubernetesConfig.OfflineDirectory offline) {
      return "offline directory " + offline.directory().toAbsolutePath();
    }
    return KubernetesClients.describe((KubernetesConfig.ApiServer) config.apiSource(), null);
  }

  private List<Object> resources(ClusterSource current) {
    List<Object> resources = new ArrayList<>();
    if (current == null) {
      return resources;
    }
    Instant now = clock.instant();
    for (ClusterSource.ResourceStatus status : current.resourceStatus()) {
      Map<String, Object> resource = new LinkedHashMap<>();
      resource.put("resource", status.resource());
      resource.put("objects", objects(status.resource()));
      resource.put("connected", status.connected());
      resource.put("lastConnected", text(status.lastConnected()));
      resource.put("lastEventAgeSeconds", ageSeconds(status.lastEvent(), now));
      resource.put("lastListed", text(status.lastListed()));
      resources.add(resource);
    }
    return resources;
  }

  private int objects(String resource) {
    return switch (resource) {
      case "services" -> index.serviceCount();
      case "endpointslices" -> index.sliceCount();
      case "namespaces" -> index.namespaceCount();
      case "pods" -> index.podCount();
      case "serviceimports" -> index.multiCluster().importCount();
      case "multiclusterendpointslices" -> index.multiCluster().sliceCount();
      default -> 0;
    };
  }

  private static Object ageSeconds(Instant then, Instant now) {
    return then == null ? null : Math.max(0, Duration.between(then, now).toMillis()) / 1000.0;
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  static List<String> zoneNames(List<Name> zones) {
    List<String> names = new ArrayList<>(zones.size());
    for (Name zone : zones) {
      names.add(zone.toString());
    }
    return names;
  }
}
