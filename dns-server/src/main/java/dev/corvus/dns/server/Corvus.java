package dev.corvus.dns.server;

import dev.corvus.dns.api.Ticker;
import dev.corvus.dns.api.capability.Explanation;
import dev.corvus.dns.api.capability.ServerControl;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.plugin.PluginFactory;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.server.config.BlockPlan;
import dev.corvus.dns.server.config.ConfigurationBuilder;
import dev.corvus.dns.server.config.RuntimeServices;
import dev.corvus.dns.server.config.ServerConfiguration;
import dev.corvus.dns.server.corefile.ServerKey;
import dev.corvus.dns.server.http.NettyHttpEndpoints;
import dev.corvus.dns.server.io.NettyIoLoops;
import dev.corvus.dns.server.lifecycle.CorefileSource;
import dev.corvus.dns.server.lifecycle.LateBoundControl;
import dev.corvus.dns.server.lifecycle.PluginsEnabled;
import dev.corvus.dns.server.lifecycle.ServerRuntime;
import dev.corvus.dns.server.lifecycle.StartupCompaction;
import dev.corvus.dns.server.metrics.PrometheusMetrics;
import dev.corvus.dns.server.plugin.PluginCatalog;
import dev.corvus.dns.server.plugin.PluginLoadingException;
import dev.corvus.dns.server.transport.BoundListener;
import dev.corvus.dns.server.transport.QueryExecutor;
import dev.corvus.dns.server.transport.Transports;
import io.netty.channel.EventLoopGroup;
import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;

/**
 * The embedding API: start a server from a Corefile (string or file), learn its bound addresses,
 * reload it, stop it. Every integration test uses it, and plugin authors use it in theirs:
 *
 * <pre>{@code
 * try (Corvus server = Corvus.builder().corefile(".:0 {\n whoami\n}").start()) {
 *   Message answer = new DnsClient(server.udpAddress()).udp("example.org", Type.A);
 * }
 * }</pre>
 */
public final class Corvus implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Corvus.class);

  private final ServerRuntime runtime;
  private final EventLoopGroup group;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService background;
  private final NettyHttpEndpoints http;
  private final PrometheusMetrics metrics;
  private final AtomicBoolean shuttingDown;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final HashedWheelTimer timer;

  private Corvus(ServerRuntime runtime, EventLoopGroup group, ScheduledExecutorService scheduler,
      ExecutorService background, NettyHttpEndpoints http, PrometheusMetrics metrics,
      AtomicBoolean shuttingDown, HashedWheelTimer timer) {
    this.timer = timer;
    this.runtime = runtime;
    this.group = group;
    this.scheduler = scheduler;
    this.background = background;
    this.http = http;
    this.metrics = metrics;
    this.shuttingDown = shuttingDown;
  }

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
    Ticker ticker = Ticker.system();
    final List<PluginFactory> registered = new ArrayList<>();
    Duration queryDeadline = Duration.ofSeconds(10);
    int maxInFlight;
    boolean compactHeapWhenReady;

    Builder() {}

    /**
     * How long a query may wait for its chain before it is answered SERVFAIL and forgotten (a
     * plugin that never answers must not hold memory); 10 seconds by default.
     */
    public Builder queryDeadline(Duration deadline) {
      this.queryDeadline = deadline;
      return this;
    }

    /**
     * Queries waiting for an asynchronous answer (an upstream) at most; beyond, a query that would
     * wait is shed (UDP dropped, TCP REFUSED) and counted, while answers from memory continue. By
     * default derived from the maximum heap.
     */
    public Builder maxInFlight(int max) {
      this.maxInFlight = max;
      return this;
    }

    /**
     * Whether to run one full garbage collection when the configuration is first ready, before
     * readiness reports it ({@link StartupCompaction}); off by default, on in the {@code corvus}
     * command.
     */
    public Builder compactHeapWhenReady(boolean compact) {
      this.compactHeapWhenReady = compact;
      return this;
    }

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

    /** The wall clock plugins read dates from. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** The monotonic clock plugins measure TTLs and timeouts with; tests pass one they advance. */
    public Builder ticker(Ticker ticker) {
      this.ticker = ticker;
      return this;
    }

    /**
     * Makes {@code factory}'s directive available to the Corefile as if its jar were installed:
     * how a plugin's own tests run it in a real server, with test doubles passed in rather than
     * through static state.
     */
    public Builder plugin(PluginFactory factory) {
      this.registered.add(factory);
      return this;
    }

    /**
     * Validates the whole configuration, starts the plugins, binds the listeners and serves.
     *
     * @throws ConfigException when the Corefile is wrong
     * @throws IOException when a listener cannot be bound
     */
    public Corvus start() throws ConfigException, IOException {
      CorefileSource source = corefilePath != null
          ? CorefileSource.ofFile(corefilePath)
          : CorefileSource.ofText(corefileText == null ? DEFAULT_COREFILE : corefileText, "<embedded>");
      PluginCatalog catalog;
      try {
        catalog = PluginCatalog.load(pluginDirectory, registered);
      } catch (PluginLoadingException e) {
        throw new IOException("cannot load the plugins: " + e.getMessage(), e);
      }
      catalog.refused().forEach(LOG::error);
      Transports transports = Transports.detect();
      int ioThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
      EventLoopGroup group = transports.newGroup(ioThreads, "corvus-io");
      NettyIoLoops loops = new NettyIoLoops(transports, group);
      ScheduledExecutorService scheduler =
          Executors.newScheduledThreadPool(2, new DefaultThreadFactory("corvus-scheduler", true));
      ExecutorService background =
          Executors.newCachedThreadPool(new DefaultThreadFactory("corvus-background", true));
      PrometheusMetrics metrics = PrometheusMetrics.withJvmMetrics();
      HashedWheelTimer timer = new HashedWheelTimer(
          new DefaultThreadFactory("corvus-deadlines", true), 10, TimeUnit.MILLISECONDS);
      NettyHttpEndpoints http = new NettyHttpEndpoints(transports, group, background);
      AtomicBoolean shuttingDown = new AtomicBoolean();
      LateBoundControl control = new LateBoundControl();
      RuntimeServices services =
          new RuntimeServices(metrics, http, control, scheduler, clock, ticker, loops, shuttingDown::get);
      Counter.Child reloadFailures =
          metrics.counter("coredns_reload_failed_total", "Counter of the number of failed reload attempts.").labels();
      ServerRuntime runtime = new ServerRuntime(new ConfigurationBuilder(catalog, services), catalog,
          transports, group, loops, ioThreads, new QueryExecutor(metrics, limits(), timer), background,
          environment, dnsPort, reloadFailures);
      control.bind(runtime);
      if (compactHeapWhenReady) {
        runtime.whenFirstReady(new StartupCompaction());
      }
      metrics.gaugeFunction("coredns_plugin_enabled", "A metric that indicates whether a plugin is enabled on per server and zone basis.",
          List.of("server", "zone", "view", "name"), () -> PluginsEnabled.samples(runtime.configuration()));
      Corvus server = new Corvus(runtime, group, scheduler, background, http, metrics, shuttingDown, timer);
      try {
        runtime.start(source);
      } catch (ConfigException | IOException | RuntimeException e) {
        server.release();
        throw e;
      }
      LOG.info("Corvus started ({} transport, {} I/O threads)", transports.name(), ioThreads);
      return server;
    }

    private QueryExecutor.Limits limits() {
      QueryExecutor.Limits derived =
          QueryExecutor.Limits.forHeap(Runtime.getRuntime().maxMemory(), queryDeadline);
      return maxInFlight > 0 ? new QueryExecutor.Limits(maxInFlight, queryDeadline) : derived;
    }
  }

  /** The default Corefile, served when none is given: CoreDNS's, on port 1053. */
  public static final String DEFAULT_COREFILE = ".:1053 {\n    whoami\n    log\n}\n";

  /**
   * One listener as clients reach it.
   *
   * @param label the key as CoreDNS labels it, e.g. {@code dns://:53}
   * @param udp the UDP address (loopback when bound to every address), or {@code null}
   * @param stream the TCP, TLS or listener plugin's address (loopback likewise), or {@code null}
   */
  public record ListenerAddress(String label, InetSocketAddress udp, InetSocketAddress stream) {}

  /** The UDP address of the first DNS listener, as a loopback address clients can query. */
  public InetSocketAddress udpAddress() {
    for (BoundListener listener : runtime.listeners()) {
      if (listener.udpAddress() != null) {
        return clientAddress(listener.udpAddress());
      }
    }
    throw new IllegalStateException("no UDP listener");
  }

  /** The TCP address of the first listener (DNS, DNS over TLS or a plugin's), as a loopback address. */
  public InetSocketAddress tcpAddress() {
    return clientAddress(runtime.listeners().get(0).streamAddress());
  }

  /** Every listener, in the order the Corefile names them, for servers with several ports. */
  public List<ListenerAddress> listeners() {
    return runtime.listeners().stream()
        .map(l -> new ListenerAddress(l.key().label(),
            l.udpAddress() == null ? null : clientAddress(l.udpAddress()),
            l.streamAddress() == null ? null : clientAddress(l.streamAddress())))
        .toList();
  }

  private static InetSocketAddress clientAddress(InetSocketAddress bound) {
    if (bound.getAddress().isAnyLocalAddress()) {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), bound.getPort());
    }
    return bound;
  }

  /**
   * The bound address of the HTTP listener serving {@code path} (e.g. {@code /health}), useful
   * when the Corefile asked for port 0.
   */
  public InetSocketAddress httpAddress(String path) {
    return http.boundAddress(path).map(Corvus::clientAddress)
        .orElseThrow(() -> new IllegalStateException("no HTTP listener serves " + path));
  }

  /** Every metric in Prometheus text format, as the {@code prometheus} plugin would serve it. */
  public String scrapeMetrics() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      metrics.writeText(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * The current value of a counter or gauge sample, e.g. {@code
   * metricValue("coredns_cache_hits_total", "dns://:53", "success", "", ".")}; 0 when absent.
   */
  public double metricValue(String name, String... labelValues) {
    return metrics.value(name, labelValues);
  }

  /**
   * Replaces the configuration with {@code corefile}, atomically; on error the old one keeps
   * serving.
   */
  public void reload(String corefile) throws ConfigException, IOException {
    runtime.reload(CorefileSource.ofText(corefile, "<embedded>"));
  }

  /** Rereads the Corefile file (or text) the server was started with and swaps it in. */
  public void reload() throws ConfigException, IOException {
    runtime.reload();
  }

  /**
   * The chain of every server block served now, keyed by the block's keys as CoreDNS writes them
   * ({@code dns://example.org.:53}), in Corefile order; empty after shutdown.
   */
  public Map<List<String>, List<String>> chains() {
    ServerConfiguration configuration = runtime.configuration();
    Map<List<String>, List<String>> chains = new LinkedHashMap<>();
    if (configuration != null) {
      for (BlockPlan plan : configuration.blocks()) {
        chains.put(plan.block().keys().stream().map(ServerKey::label).toList(),
            plan.plugins().stream().map(p -> p.directive()).toList());
      }
    }
    return chains;
  }

  /**
   * What plugins see of the server: the served configuration's status, its inspectors and
   * {@link ServerControl#explain explanations} of synthetic queries.
   */
  public ServerControl control() {
    return runtime.control();
  }

  /**
   * Explains how the server answers {@code name} and {@code type} from {@code client}; waits at
   * most ten seconds.
   */
  public Explanation explain(String name, int type, InetSocketAddress client) throws Exception {
    Message query = DnsClient.newQuery(name, type);
    return runtime.control().explain(query, client).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Whether every readiness provider is ready. */
  public boolean isReady() {
    return notReady().isEmpty();
  }

  /** The names of what is not ready yet (empty when ready). */
  public List<String> notReady() {
    ServerConfiguration configuration = runtime.configuration();
    return configuration == null ? List.of("shutdown") : configuration.readiness().notReady();
  }

  /**
   * Stops gracefully: readiness goes false, queries are answered for the lameduck period, in-flight
   * queries finish, then listeners and plugins close.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    shuttingDown.set(true);
    runtime.shutdown();
    release();
  }

  private void release() {
    http.close();
    timer.stop();
    scheduler.shutdownNow();
    background.shutdownNow();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
