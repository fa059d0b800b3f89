package dev.corvus.dns.server.lifecycle;

import dev.corvus.dns.api.Ticker;
import dev.corvus.dns.api.Transport;
import dev.corvus.dns.api.capability.Explanation;
import dev.corvus.dns.api.capability.ServerControl;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.io.IoLoop;
import dev.corvus.dns.api.listener.QueryService.ResponseSink;
import dev.corvus.dns.api.plugin.Inspector;
import dev.corvus.dns.api.plugin.Resolver;
import dev.corvus.dns.server.config.BlockPlan;
import dev.corvus.dns.server.config.ConfigurationBuilder;
import dev.corvus.dns.server.config.RuntimeServices;
import dev.corvus.dns.server.config.ServerConfiguration;
import dev.corvus.dns.server.corefile.Corefile;
import dev.corvus.dns.server.corefile.ServerKey;
import dev.corvus.dns.server.http.NettyHttpEndpoints;
import dev.corvus.dns.server.io.NettyIoLoops;
import dev.corvus.dns.server.metrics.PrometheusMetrics;
import dev.corvus.dns.server.plugin.PluginCatalog;
import dev.corvus.dns.server.routing.ServerRoute;
import dev.corvus.dns.server.routing.ZoneRouter;
import dev.corvus.dns.server.transport.ListenerKey;
import dev.corvus.dns.server.transport.QueryExecutor;
import dev.corvus.dns.server.transport.RouteTable;
import dev.corvus.dns.server.transport.Transports;
import io.netty.channel.EventLoopGroup;
import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;

/**
 * A configuration served in this process without its DNS listeners, for {@code corvus test}: the
 * Corefile is checked as {@code corvus check} checks it, its plugins are started as when serving,
 * and queries given as bytes go through the server's {@link QueryExecutor} with the routes each
 * listener of the configuration would serve, so they take the path of a client's query: parsing,
 * routing by zone among the blocks of that listener, the chain, and the finishing of the response
 * (ID, OPT record, truncation over UDP to the client's payload size).
 *
 * <p>Why not bind the listeners on loopback and send real datagrams: the client address is then
 * always a loopback address, and a test must be able to ask as any client (acl, views, the
 * kubernetes plugin's pod lookups). The executor is what a listener hands a datagram to; the part
 * left out is the socket itself. Queries are handed to an I/O loop, as a listener does, so a
 * plugin runs on the thread it runs on when serving.
 *
 * <p>HTTP endpoints ({@code health}, {@code ready}, {@code prometheus}, {@code admin}) are served
 * on loopback ephemeral ports instead of the addresses they name, so the plugins work as
 * configured (health probes itself) while nothing public is bound and a running server's ports
 * are not in the way.
 */
public final class InProcessServer implements AutoCloseable {

  /** How long a chain may take before the executor answers SERVFAIL: the server's default. */
  private static final Duration QUERY_DEADLINE = Duration.ofSeconds(10);
  /**
   * How long {@link #close} lets the plugins' own queries finish before stopping them. The loop
   * plugin's probe, sent when it starts, can still be on its way through {@code forward} when the
   * cases are done (on a loaded machine it reached the upstream seconds after the start, as the
   * cases ran); stopping forward under it fails it, and the errors plugin logs a failure where
   * nothing is wrong.
   */
  private static final Duration INTERNAL_QUERIES_GRACE = Duration.ofSeconds(2);

  private final Resources resources;
  private final Generation generation;
  private final QueryExecutor executor;
  private final NettyIoLoops loops;
  private final Map<ListenerKey, RouteTable> tables;
  private final InternalQueries internal;

  private InProcessServer(Resources resources, Generation generation, QueryExecutor executor,
      Map<ListenerKey, RouteTable> tables, InternalQueries internal) {
    this.resources = resources;
    this.generation = generation;
    this.executor = executor;
    this.loops = resources.loops;
    this.tables = tables;
    this.internal = internal;
  }

  /** Why a configuration could not be served: each problem a line as {@code corvus check} prints it. */
  public static final class NotStarted extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    NotStarted(List<String> problems) {
      super(String.join("\n", problems), null, false, false);
      this.problems = List.copyOf(problems);
    }

    /** The problems, e.g. {@code Corefile:4: cache: unknown option "sucess", did you mean "success"?}. */
    public List<String> problems() {
      return problems;
    }
  }

  /**
   * Checks {@code source}, starts its plugins and waits until every readiness provider reports
   * ready (a deployed server gets traffic only then: readiness gates a Kubernetes Service).
   *
   * @param catalog the directives
   * @param environment the variables {@code {$NAME}} substitutes
   * @param dnsPort the port of keys that name none
   * @param readyTimeout how long to wait for the plugins to start and report ready
   * @throws NotStarted with every error of the Corefile, a plugin that could not start, or what
   *     was not ready in time
   */
  public static InProcessServer start(CorefileSource source, PluginCatalog catalog, Map<String, String> environment,
      int dnsPort, Duration readyTimeout) throws NotStarted {
    Corefile corefile;
    try {
      corefile = source.parse(environment, dnsPort);
    } catch (ConfigException e) {
      throw new NotStarted(List.of(e.getMessage()));
    } catch (IOException e) {
      throw new NotStarted(List.of(source.label() + ": cannot read: " + e.getMessage()));
    }
    Resources resources = new Resources();
    try {
      return start(resources, corefile, source, catalog, readyTimeout);
    } catch (NotStarted | RuntimeException e) {
      resources.close();
      throw e;
    }
  }

  private static InProcessServer start(Resources resources, Corefile corefile, CorefileSource source,
      PluginCatalog catalog, Duration readyTimeout) throws NotStarted {
    ConfigurationBuilder.Checked checked =
        new ConfigurationBuilder(catalog, resources.services).check(corefile, source.baseDirectory());
    if (!checked.errors().isEmpty()) {
      throw new NotStarted(checked.errors().stream().map(ConfigException::getMessage).toList());
    }
    ServerConfiguration configuration = checked.configuration().orElseThrow();
    Map<ListenerKey, List<ServerRoute>> routes = ServerRuntime.routesByListener(configuration);
    List<ServerRoute> all = new ArrayList<>();
    routes.values().forEach(all::addAll);
    Generation generation = new Generation(configuration, all, resources.loops);
    InternalQueries internal = new InternalQueries(generation);
    configuration.resolver().bind(internal);
    resources.control.generation = generation;
    long deadline = System.nanoTime() + readyTimeout.toNanos();
    try {
      generation.startPlugins().get(readyTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (Generation.PluginStartException e) {
      throw new NotStarted(List.of(e.getMessage()));
    } catch (ExecutionException e) {
      generation.stopPlugins();
      throw new NotStarted(List.of(e.getCause().getMessage()));
    } catch (TimeoutException e) {
      generation.stopPlugins();
      throw new NotStarted(List.of("the plugins did not start within " + format(readyTimeout)));
    } catch (InterruptedException e) {
      generation.stopPlugins();
      Thread.currentThread().interrupt();
      throw new NotStarted(List.of("interrupted while the plugins were starting"));
    }
    configuration.commit();
    configuration.services().markServing();
    List<String> waiting = configuration.readiness().notReady();
    while (!waiting.isEmpty() && System.nanoTime() - deadline < 0) {
      // Readiness is polled, as the ready plugin and a kubelet poll it.
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      waiting = configuration.readiness().notReady();
    }
    if (!waiting.isEmpty()) {
      generation.stopPlugins();
      throw new NotStarted(List.of("not ready after " + format(readyTimeout) + ": "
          + String.join(", ", waiting)));
    }
    Map<ListenerKey, RouteTable> tables = new LinkedHashMap<>();
    routes.forEach((key, list) -> tables.put(key, new RouteTable(new ZoneRouter(list), generation)));
    QueryExecutor executor = new QueryExecutor(resources.metrics,
        QueryExecutor.Limits.forHeap(Runtime.getRuntime().maxMemory(), QUERY_DEADLINE), resources.timer);
    return new InProcessServer(resources, generation, executor, tables, internal);
  }

  /** {@code 30s} or {@code 250ms}, as durations are written on the command line. */
  private static String format(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }

  /** The configuration served. */
  public ServerConfiguration configuration() {
    return generation.configuration();
  }

  /** Every listener the configuration asks for, in Corefile order (none of them is bound). */
  public List<ListenerKey> listeners() {
    return List.copyOf(tables.keySet());
  }

  /**
   * The listener a client of {@code key} reaches: its scheme and port, on the block's first
   * {@code bind} address when it has one.
   */
  public Optional<ListenerKey> listenerOf(ServerKey key) {
    for (BlockPlan plan : generation.configuration().blocks()) {
      if (plan.block().keys().contains(key)) {
        InetAddress host = plan.bindAddresses().isEmpty() ? null : plan.bindAddresses().get(0);
        ListenerKey listener = new ListenerKey(key.scheme(), host, key.port());
        return tables.containsKey(listener) ? Optional.of(listener) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** Whether a block of {@code listener} serves {@code name} (otherwise the server answers REFUSED). */
  public boolean serves(ListenerKey listener, Name name) {
    RouteTable table = tables.get(listener);
    return table != null && table.router().route(name) != null;
  }

  /**
   * Hands {@code query} to the executor as {@code listener} would, on one of the server's I/O loops.
   *
   * @param listener one of {@link #listeners()}
   * @param client the client's address, as plugins see it
   * @param transport how the query arrived: limits the response (UDP) and is what plugins see
   * @return the response's wire form, or an empty optional when the server dropped the query
   */
  public CompletableFuture<Optional<byte[]>> exchange(ListenerKey listener, byte[] query, InetSocketAddress client,
      Transport transport) {
    RouteTable table = tables.get(listener);
    if (table == null) {
      throw new IllegalArgumentException("the configuration has no listener " + listener.label());
    }
    CompletableFuture<Optional<byte[]>> response = new CompletableFuture<>();
    IoLoop loop = loops.next();
    loop.execute(() -> executor.execute(ByteBuffer.wrap(query), client, transport, loop, () -> table,
        new ResponseSink() {
          @Override
          public void respond(byte[] answer) {
            response.complete(Optional.of(answer));
          }

          @Override
          public void drop() {
            response.complete(Optional.empty());
          }
        }));
    return response;
  }

  /** Lets the plugins' own queries finish (for a moment at most), stops the plugins and releases the threads. */
  @Override
  public void close() {
    internal.awaitDone(INTERNAL_QUERIES_GRACE);
    generation.retire();
    generation.stopPlugins();
    resources.close();
  }

  /** The resolver the plugins use ({@link Generation#resolve}), keeping track of the queries it has not answered yet. */
  private static final class InternalQueries implements Resolver {
    private final Generation generation;
    private final Set<CompletableFuture<Message>> pending = ConcurrentHashMap.newKeySet();

    InternalQueries(Generation generation) {
      this.generation = generation;
    }

    @Override
    public CompletionStage<Message> resolve(Message query) {
      CompletableFuture<Message> answer = generation.resolve(query).toCompletableFuture();
      if (!answer.isDone()) {
        pending.add(answer);
        answer.whenComplete((response, failure) -> pending.remove(answer));
      }
      return answer;
    }

    void awaitDone(Duration grace) {
      try {
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(grace.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // the plugins are stopped anyway; what is still waiting fails then
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The threads and services of an in-process server, released on close or a failed start. */
  private static final class Resources implements AutoCloseable {
    final EventLoopGroup group;
    final NettyIoLoops loops;
    final ScheduledExecutorService scheduler;
    final ExecutorService background;
    final PrometheusMetrics metrics = new PrometheusMetrics();
    final HashedWheelTimer timer;
    final NettyHttpEndpoints http;
    final InProcessControl control = new InProcessControl();
    final RuntimeServices services;

    Resources() {
      Transports transports = Transports.detect();
      group = transports.newGroup(Math.max(1, Runtime.getRuntime().availableProcessors()), "corvus-io");
      loops = new NettyIoLoops(transports, group);
      scheduler = Executors.newScheduledThreadPool(2, new DefaultThreadFactory("corvus-scheduler", true));
      background = Executors.newCachedThreadPool(new DefaultThreadFactory("corvus-background", true));
      timer = new HashedWheelTimer(new DefaultThreadFactory("corvus-deadlines", true), 10, TimeUnit.MILLISECONDS);
      InetAddress loopback = InetAddress.getLoopbackAddress();
      http = new NettyHttpEndpoints(transports, group, background, address -> new InetSocketAddress(loopback, 0));
      services = new RuntimeServices(metrics, http, control, scheduler, Clock.systemUTC(), Ticker.system(), loops,
          () -> false);
    }

    @Override
    public void close() {
      http.close();
      timer.stop();
      scheduler.shutdownNow();
      background.shutdownNow();
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /**
   * What plugins may ask of the server: explanations and inspectors of the configuration served;
   * a reload is refused (the configuration under test is the one the test file names).
   */
  private static final class InProcessControl implements ServerControl {
    volatile Generation generation;
    private final Instant loadedAt = Instant.now();

    @Override
    public ConfigSource configSource() {
      Generation current = generation;
      return current == null ? new ConfigSource(List.of(), "")
          : new ConfigSource(current.configuration().corefile().files(), current.configuration().corefile().sha512());
    }

    @Override
    public CompletionStage<Void> reload() {
      return CompletableFuture.failedFuture(new IllegalStateException("corvus test does not reload"));
    }

    @Override
    public ConfigStatus status() {
      return new ConfigStatus(configSource(), loadedAt, Optional.empty());
    }

    @Override
    public List<Inspector> inspectors() {
      Generation current = generation;
      return current == null ? List.of() : current.configuration().services().registeredInspectors();
    }

    @Override
    public CompletionStage<Explanation> explain(Message query, InetSocketAddress client) {
      Generation current = generation;
      return current == null ? CompletableFuture.failedFuture(new IllegalStateException("not started"))
          : current.explain(query, client);
    }
  }
}
