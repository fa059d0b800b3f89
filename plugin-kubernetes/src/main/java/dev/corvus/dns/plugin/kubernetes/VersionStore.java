package dev.corvus.dns.plugin.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The item store of an informer that keeps, per object, only its resource version: all fabric8
 * needs to re-list and to tell an update from a replay, since the {@link ClusterIndex} holds what
 * DNS answers from. Objects handed back (the old state of an update or a delete) carry only their
 * namespace, name and resource version.
 *
 * <p>The store passes each change on to its {@link Changes} as fabric8 makes it, on the thread
 * reading the list or the watch: an object is projected into the index as it arrives and is
 * garbage right after. Through fabric8's event handlers instead, every object waited in their
 * unbounded queue while the handler thread, on the same one CPU, fell behind the list pages: 5,978
 * whole objects at once while 10,000 Services were listed, and 24-46 MiB live while loading
 * instead of 24-28 (ScaleIT, {@code bench/results/scaleit-2026-11-26-session6.txt}).
 *
 * <p>Versions are kept by namespace and name, with the names interned as the index interns its
 * own, so the two share one string, and numeric versions (what the API server's etcd gives) as
 * numbers: about 50 bytes per object where fabric8's reduced store takes 166 and its namespace
 * index, removed, another 100.
 *
 * @param <T> the resource type
 */
final class VersionStore<T extends HasMetadata> implements ItemStore<T> {

  private static final String CLUSTER_SCOPED = "";

  /**
   * What a store passes on: an object added or changed (a new resource version), whole, and an
   * object deleted, with its metadata only.
   *
   * @param <T> the resource type
   */
  interface Changes<T> {
    void upserted(T object);

    void deleted(T object);
  }

  private static final Changes<Object> NOWHERE =
      new Changes<>() {
        @Override
        public void upserted(Object object) {}

        @Override
        public void deleted(Object object) {}
      };

  private final Supplier<T> factory;
  private final NamespacedMap<Object> versions;
  private volatile Changes<? super T> changes;

  /**
   * @param factory makes an empty object of the type, to hand back stored ones
   * @param changes receives every change, on the thread fabric8 makes it on
   */
  VersionStore(Supplier<T> factory, Changes<? super T> changes) {
    this(factory, changes, new NamespacedMap<>());
  }

  private VersionStore(Supplier<T> factory, Changes<? super T> changes, NamespacedMap<Object> versions) {
    this.factory = factory;
    this.changes = changes;
    this.versions = versions;
  }

  /**
   * A store holding what this one holds now, for an informer replacing this one's; it passes the
   * changes on from now on and this one none, should a list of the replaced informer still arrive.
   */
  VersionStore<T> handOver() {
    NamespacedMap<Object> copy = new NamespacedMap<>();
    versions.entries().forEach(e -> copy.put(e.namespace(), e.name(), e.value()));
    VersionStore<T> next = new VersionStore<>(factory, changes, copy);
    changes = NOWHERE;
    return next;
  }

  @Override
  public String getKey(T object) {
    return Cache.metaNamespaceKeyFunc(object);
  }

  @Override
  public T put(String key, T object) {
    ObjectMeta meta = object.getMetadata();
    String namespace = meta.getNamespace() == null ? CLUSTER_SCOPED : meta.getNamespace().intern();
    String name = meta.getName().intern();
    Object version = compact(meta.getResourceVersion());
    Object previous = versions.put(namespace, name, version);
    // The same version again is a replay (a re-list after a lost watch), as fabric8 counts it.
    if (!version.equals(previous)) {
      changes.upserted(object);
    }
    return restore(namespace, name, previous);
  }

  @Override
  public T remove(String key) {
    Key parsed = Key.parse(key);
    T removed = restore(parsed.namespace(), parsed.name(), versions.remove(parsed.namespace(), parsed.name()));
    if (removed != null) {
      changes.deleted(removed);
    }
    return removed;
  }

  @Override
  public T get(String key) {
    Key parsed = Key.parse(key);
    return restore(parsed.namespace(), parsed.name(), versions.get(parsed.namespace(), parsed.name()));
  }

  @Override
  public Stream<String> keySet() {
    return versions.entries().map(e -> key(e.namespace(), e.name()));
  }

  @Override
  public Stream<T> values() {
    return versions.entries().map(e -> restore(e.namespace(), e.name(), e.value()));
  }

  @Override
  public int size() {
    return versions.size();
  }

  /** Objects handed back are not the whole objects. */
  @Override
  public boolean isFullState() {
    return false;
  }

  private T restore(String namespace, String name, Object version) {
    if (version == null) {
      return null;
    }
    T object = factory.get();
    ObjectMeta meta = new ObjectMeta();
    meta.setNamespace(namespace.equals(CLUSTER_SCOPED) ? null : namespace);
    meta.setName(name);
    meta.setResourceVersion(version.equals("") ? null : version.toString());
    object.setMetadata(meta);
    return object;
  }

  private static String key(String namespace, String name) {
    return namespace.equals(CLUSTER_SCOPED) ? name : namespace + "/" + name;
  }

  /** fabric8's key, {@code namespace/name} or a cluster-scoped {@code name}, split. */
  private record Key(String namespace, String name) {
    static Key parse(String key) {
      int slash = key.indexOf('/');
      return new Key(slash < 0 ? CLUSTER_SCOPED : key.substring(0, slash), key.substring(slash + 1));
    }
  }

  /**
   * A decimal version without leading zeros as a {@code Long}, else the string itself: versions
   * are opaque to clients, and only compared for equality here.
   */
  static Object compact(String version) {
    if (version == null) {
      return "";
    }
    if (version.isEmpty() || version.length() > 18 || (version.charAt(0) == '0' && version.length() > 1)) {
      return version;
    }
    for (int i = 0; i < version.length(); i++) {
      if (version.charAt(i) < '0' || version.charAt(i) > '9') {
        return version;
      }
    }
    return Long.valueOf(version);
  }
}
