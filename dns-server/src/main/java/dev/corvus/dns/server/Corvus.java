package dev.corvus.dns.server;

import dev.corvus.dns.api.config.ConfigException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * The embedding API: start a server from a Corefile (string or file), learn its bound addresses,
 * reload it, stop it. Every integration test uses it, and plugin authors use it in theirs:
 *
 * <pre>{@code
 * try (Corvus server = Corvus.builder().corefile(".:0 { whoami }").start()) {
 *   Message answer = new DnsClient(server.udpAddress()).udp("example.org", Type.A);
 * }
 * }</pre>
 */
public final class Corvus implements AutoCloseable {

  private Corvus() {}

  /** A builder with CoreDNS's defaults: port 53 for keys without a port. */
  public static Builder builder() {
    return new Builder();
  }

  /** Configures and starts a server. */
  public static final class Builder {
    String corefileText;
    Path corefilePath;
    int dnsPort = 53;
    Path pluginDirectory;
    Map<String, String> environment = System.getenv();
    Clock clock = Clock.systemUTC();

    Builder() {}

    /** The Corefile's text; relative imports resolve against the working directory. */
    public Builder corefile(String text) {
      this.corefileText = text;
      this.corefilePath = null;
      return this;
    }

    /** The Corefile's path; {@code reload} rereads it. */
    public Builder corefile(Path file) {
      this.corefilePath = file;
      this.corefileText = null;
      return this;
    }

    /** The port of keys that name none (CoreDNS's {@code -dns.port}); 0 picks a free port. */
    public Builder dnsPort(int port) {
      this.dnsPort = port;
      return this;
    }

    /** A directory of plugin jars, each loaded in its own class loader. */
    public Builder pluginDirectory(Path directory) {
      this.pluginDirectory = directory;
      return this;
    }

    /** The variables {@code {$NAME}} substitutes; the process environment by default. */
    public Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(environment);
      return this;
    }

    /** The clock plugins use for TTLs and timeouts. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Validates the whole configuration, starts the plugins, binds the listeners and serves.
     *
     * @throws ConfigException when the Corefile is wrong
     * @throws IOException when a listener cannot be bound
     */
    public Corvus start() throws ConfigException, IOException {
      throw new IllegalStateException("in progress");
    }
  }

  /** The UDP address of the first DNS listener. */
  public InetSocketAddress udpAddress() {
    throw new IllegalStateException("in progress");
  }

  /** The TCP address of the first DNS listener. */
  public InetSocketAddress tcpAddress() {
    throw new IllegalStateException("in progress");
  }

  /**
   * The bound address of the HTTP listener serving {@code path} (e.g. {@code /health}), useful
   * when the Corefile asked for port 0.
   */
  public InetSocketAddress httpAddress(String path) {
    throw new IllegalStateException("in progress");
  }

  /** Every metric in Prometheus text format, as the {@code prometheus} plugin would serve it. */
  public String scrapeMetrics() {
    throw new IllegalStateException("in progress");
  }

  /**
   * Replaces the configuration with {@code corefile}, atomically; on error the old one keeps
   * serving.
   */
  public void reload(String corefile) throws ConfigException, IOException {
    throw new IllegalStateException("in progress");
  }

  /** Whether every readiness provider is ready. */
  public boolean isReady() {
    throw new IllegalStateException("in progress");
  }

  /**
   * Stops gracefully: readiness goes false, queries are answered for the lameduck period, in-flight
   * queries finish, then listeners and plugins close.
   */
  @Override
  public void close() {
    throw new IllegalStateException("in progress");
  }
}
