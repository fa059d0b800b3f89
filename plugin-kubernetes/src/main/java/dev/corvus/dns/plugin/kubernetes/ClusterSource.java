package dev.corvus.dns.plugin.kubernetes;

import java.time.Duration;
import java.util.Map;

/** Where the cluster's objects come from: an API server's informers or a directory of files. */
interface ClusterSource extends AutoCloseable {

  /** Starts reading on the source's own threads; returns without waiting for the first sync. */
  void start() throws Exception;

  /** Whether every resource has been read completely at least once. */
  boolean hasSynced();

  /** Starts watching pods if not already done (for {@code pods verified} and autopath). */
  void watchPods();

  /**
   * How long ago each resource was last known to be in sync with the source, by resource name
   * ({@code services}, {@code endpointslices}, {@code namespaces}, {@code pods}).
   */
  Map<String, Duration> syncAge();

  /** Stops reading; the index keeps its last state. */
  @Override
  void close();
}
