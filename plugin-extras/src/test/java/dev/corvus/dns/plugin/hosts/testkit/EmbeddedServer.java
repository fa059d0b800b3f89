package dev.corvus.dns.plugin.hosts.testkit;

import dev.corvus.dns.server.Corvus;
import org.junit.jupiter.api.Assumptions;

/**
 * Starts a real server for integration tests; while the embedding API is still being written
 * (it throws "in progress") the test is skipped rather than failed, so it runs as soon as the
 * server works.
 */
public final class EmbeddedServer {

  private EmbeddedServer() {}

  /** Starts {@code corefile} on free ports, or aborts the test when the embedding API is not there yet. */
  public static Corvus start(String corefile) throws Exception {
    try {
      return Corvus.builder().corefile(corefile).dnsPort(0).start();
    } catch (IllegalStateException e) {
      if (String.valueOf(e.getMessage()).contains("in progress")) {
        Assumptions.abort("embedding API not available yet: " + e.getMessage());
      }
      throw e;
    }
  }

  /**
   * The error a server with {@code corefile} fails to start with; fails the test when it starts,
   * aborts it when the embedding API is not there yet.
   */
  public static Exception startupFailure(String corefile) {
    Corvus started;
    try {
      started = start(corefile);
    } catch (org.opentest4j.TestAbortedException e) {
      throw e;
    } catch (Exception e) {
      return e;
    }
    started.close();
    throw new AssertionError("the server started with:\n" + corefile);
  }
}
