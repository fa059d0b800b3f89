package dev.corvus.dns.plugin.kubernetes;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** Where the cluster's objects come from: an API server's informers or a directory of files. */
interface ClusterSource extends AutoCloseable {

  /** Starts reading on the source's own threads; returns without waiting for the first sync. */
  void start() throws Exception;

  /** Whether every resource has been read completely at least once. */
  boolean hasSynced();

  /**
   * Completes when {@link #hasSynced()} first holds; never exceptionally (a source that cannot
   * reach its objects keeps trying, and this stays incomplete).
   */
  CompletionStage<Void> firstSync();

  /** Starts watching pods if not already done (for {@code pods verified} and autopath). */
  void watchPods();

  /**
   * How long ago each resource was last known to be in sync with the source, by resource name
   * ({@code services}, {@code endpointslices}, {@code namespaces}, {@code pods}), measured on the
   * plugin's monotonic ticker.
   */
  Map<String, Duration> syncAge();

  /** Where the objects come from, for operators: the API server's URL or the directory. */
  String describe();

  /** What the source knows of each resource it reads, for the {@code kubernetes} inspector. */
  List<ResourceStatus> resourceStatus();

  /**
   * The state of one resource's feed.
   *
   * @param resource {@code services}, {@code endpointslices}, {@code namespaces} or {@code pods}
   * @param connected whether the watch is up (the API server reachable), or the directory read
   * @param lastConnected when it was last known to be up
   * @param lastEvent when the last add, update or delete arrived, or {@code null} before any
   * @param lastListed when the resource was last listed in full (first sync, re-list after a lost
   *     watch, directory re-read), or {@code null} before the first list
   */
  record ResourceStatus(
      String resource, boolean connected, Instant lastConnected, Instant lastEvent, Instant lastListed) {}

  /** Stops reading; the index keeps its last state. */
  @Override
  void close();
}
