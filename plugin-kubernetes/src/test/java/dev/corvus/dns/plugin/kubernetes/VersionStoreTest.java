package dev.corvus.dns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The informers' store: resource versions by key, objects handed back with metadata only, every
 * change passed on as it is made.
 */
class VersionStoreTest {

  /** The changes a store passed on, in order: "+key@version" upserted, "-key@version" deleted. */
  private static final class Recorded<T extends HasMetadata> implements VersionStore.Changes<T> {
    final List<String> log = new ArrayList<>();
    final List<T> upserted = new ArrayList<>();

    @Override
    public void upserted(T object) {
      upserted.add(object);
      log.add("+" + Cache.metaNamespaceKeyFunc(object) + "@" + object.getMetadata().getResourceVersion());
    }

    @Override
    public void deleted(T object) {
      log.add("-" + Cache.metaNamespaceKeyFunc(object) + "@" + object.getMetadata().getResourceVersion());
    }
  }

  private final Recorded<Service> changes = new Recorded<>();

  private static Service service(String namespace, String name, String version) {
    return new ServiceBuilder().withNewMetadata().withNamespace(namespace).withName(name)
        .withResourceVersion(version).endMetadata().withNewSpec().withClusterIP("10.96.0.1").endSpec().build();
  }

  @Test
  void keepsTheVersionOfEachObjectAndHandsBackItsMetadata() {
    VersionStore<Service> store = new VersionStore<>(Service::new, changes);
    Service web = service("team-a", "web", "1042");
    String key = store.getKey(web);
    assertEquals("team-a/web", key);
    assertNull(store.put(key, web));
    Service replaced = store.put(key, service("team-a", "web", "1043"));
    assertEquals("1042", replaced.getMetadata().getResourceVersion());
    assertEquals("web", replaced.getMetadata().getName());
    assertEquals("team-a", replaced.getMetadata().getNamespace());
    assertNull(replaced.getSpec(), "only the metadata is kept");
    store.put("team-b/web", service("team-b", "web", "7"));

    assertEquals(2, store.size());
    assertEquals(Set.of("team-a/web", "team-b/web"), store.keySet().collect(Collectors.toSet()));
    assertEquals(Set.of("1043", "7"),
        store.values().map(s -> s.getMetadata().getResourceVersion()).collect(Collectors.toSet()));
    assertEquals("1043", store.get("team-a/web").getMetadata().getResourceVersion());
    assertEquals("7", store.remove("team-b/web").getMetadata().getResourceVersion());
    assertNull(store.get("team-b/web"));
    assertNull(store.remove("team-b/web"));
    assertEquals(1, store.size());
    assertEquals(List.of("+team-a/web@1042", "+team-a/web@1043", "+team-b/web@7", "-team-b/web@7"), changes.log);
    assertEquals("10.96.0.1", changes.upserted.get(1).getSpec().getClusterIP(), "passed on whole");
  }

  @Test
  void theSameVersionAgainIsAReplayAndNotPassedOn() {
    VersionStore<Service> store = new VersionStore<>(Service::new, changes);
    store.put("team-a/web", service("team-a", "web", "1042"));
    Service replayed = store.put("team-a/web", service("team-a", "web", "1042"));
    assertEquals("1042", replayed.getMetadata().getResourceVersion(), "fabric8 compares the versions too");
    assertEquals(List.of("+team-a/web@1042"), changes.log);
  }

  @Test
  void aHandedOverStoreHoldsTheVersionsAndPassesOnNothingMore() {
    VersionStore<Service> old = new VersionStore<>(Service::new, changes);
    old.put("team-a/web", service("team-a", "web", "1042"));
    old.put("team-a/db", service("team-a", "db", "9"));
    VersionStore<Service> next = old.handOver();
    assertEquals(Set.of("team-a/web", "team-a/db"), next.keySet().collect(Collectors.toSet()));
    assertEquals("1042", next.get("team-a/web").getMetadata().getResourceVersion());

    old.put("team-a/web", service("team-a", "web", "2000"));
    old.remove("team-a/db");
    assertEquals("1042", next.get("team-a/web").getMetadata().getResourceVersion(), "a late write to the old one");
    assertEquals(List.of("+team-a/web@1042", "+team-a/db@9"), changes.log, "the old store passed nothing on");

    next.remove("team-a/db");
    next.put("team-a/web", service("team-a", "web", "2001"));
    assertEquals(1, next.size());
    assertEquals(1, old.size(), "the two are independent");
    assertEquals(List.of("+team-a/web@1042", "+team-a/db@9", "-team-a/db@9", "+team-a/web@2001"), changes.log);
  }

  @Test
  void clusterScopedObjectsAreKeyedByName() {
    VersionStore<Namespace> store = new VersionStore<>(Namespace::new, new Recorded<>());
    Namespace namespace = new NamespaceBuilder().withNewMetadata().withName("team-a").withResourceVersion("5")
        .endMetadata().build();
    String key = store.getKey(namespace);
    assertEquals("team-a", key);
    store.put(key, namespace);
    assertEquals(Set.of("team-a"), store.keySet().collect(Collectors.toSet()));
    assertNull(store.get("team-a").getMetadata().getNamespace());
    assertEquals("5", store.remove("team-a").getMetadata().getResourceVersion());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "12345, true",
    "0, true",
    "007, false",
    "abc-1, false",
    "1234567890123456789, false",
  })
  void decimalVersionsAreKeptAsNumbersAndOthersAsTheyAre(String version, boolean numeric) {
    Object compact = VersionStore.compact(version);
    assertEquals(numeric, compact instanceof Long);
    assertEquals(version, compact.toString());
  }
}
