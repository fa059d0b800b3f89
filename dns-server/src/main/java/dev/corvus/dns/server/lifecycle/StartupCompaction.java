package dev.corvus.dns.server.lifecycle;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One full garbage collection when the first configuration is ready, before readiness says so.
 * Loading leaves garbage in the old generation (parsed Kubernetes objects and YAML trees outlive
 * a few young collections while the index is built); collected here, while no traffic is routed
 * to a server that is not ready, it does not come back as a full collection under load: 140 to
 * 214 ms in the first 20 s after ready at 10,000 Services ({@code bench/bench.sh scale}). Runs
 * once per process, triggered by the first readiness check (the {@code ready} directive's probe
 * or {@code Corvus#isReady}); a no-op under {@code -XX:+DisableExplicitGC}.
 */
public final class StartupCompaction implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(StartupCompaction.class);

  /** Collects the heap; the server calls it once ({@code GenerationServices#runWhenReady}). */
  @Override
  public void run() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = memory.getHeapMemoryUsage().getUsed();
    long start = System.nanoTime();
    System.gc();
    long after = memory.getHeapMemoryUsage().getUsed();
    LOG.info("Ready: heap compacted from {} to {} MiB in {} ms", before >> 20, after >> 20,
        (System.nanoTime() - start) / 1_000_000);
  }
}
