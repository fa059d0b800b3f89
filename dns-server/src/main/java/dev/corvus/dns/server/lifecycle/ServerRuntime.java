package dev.corvus.dns.server.lifecycle;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.capability.Explanation;
import dev.corvus.dns.api.capability.ServerControl;
import dev.corvus.dns.api.plugin.Inspector;
import dev.corvus.dns.api.listener.ListenerTimeouts;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.server.config.BlockPlan;
import dev.corvus.dns.server.config.ConfiguredPlugin;
import dev.corvus.dns.server.config.ConfigurationBuilder;
import dev.corvus.dns.server.config.ServerConfiguration;
import dev.corvus.dns.server.config.TlsFactory.TlsSettings;
import dev.corvus.dns.server.corefile.Corefile;
import dev.corvus.dns.server.corefile.Scheme;
import dev.corvus.dns.server.corefile.ServerKey;
import dev.corvus.dns.server.io.NettyIoLoops;
import dev.corvus.dns.server.plugin.PluginCatalog;
import dev.corvus.dns.server.proxyproto.ProxyPolicy;
import dev.corvus.dns.server.routing.ServerRoute;
import dev.corvus.dns.server.routing.ZoneRouter;
import dev.corvus.dns.server.transport.BoundListener;
import dev.corvus.dns.server.transport.DnsListener;
import dev.corvus.dns.server.transport.ListenerKey;
import dev.corvus.dns.server.transport.PluginListener;
import dev.corvus.dns.server.transport.QueryExecutor;
import dev.corvus.dns.server.transport.RouteTable;
import dev.corvus.dns.server.transport.Transports;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;

/**
 * The running server: validates a configuration, starts its plugins, binds its listeners and
 * serves it; swaps in a new one on reload without dropping queries; shuts down gracefully.
 */
public final class ServerRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(ServerRuntime.class);
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

  private final ConfigurationBuilder builder;
  private final PluginCatalog catalog;
  private final Transports transports;
  private final EventLoopGroup group;
  private final NettyIoLoops loops;
  private final int udpSockets;
  private final QueryExecutor executor;
  private final ExecutorService reloadThread;
  private final Map<String, String> environment;
  private final int dnsPort;
  private final Counter.Child reloadFailures;

  private final Map<ListenerKey, BoundListener> listeners = new LinkedHashMap<>();
  /** The plugins of a configuration being started, until they are all ready; a shutdown cancels it. */
  private volatile CompletableFuture<Void> starting;
  private volatile boolean stopping;
  private volatile CorefileSource source;
  private volatile Generation current;
  private volatile Instant loadedAt = Instant.EPOCH;
  private volatile String lastReloadError;
  private Runnable whenFirstReady = () -> { };

  /**
   * @param builder turns Corefiles into configurations
   * @param catalog the known directives and listener kinds
   * @param transports the Netty transport
   * @param group the I/O event loops
   * @param loops the same loops as plugins use them
   * @param udpSockets UDP sockets per address (one per I/O thread with SO_REUSEPORT)
   * @param executor turns query bytes into response bytes
   * @param reloadThread where reloads run (never an I/O thread)
   * @param environment the variables for {@code {$NAME}}
   * @param dnsPort the port of keys without one
   * @param reloadFailures counts failed reloads
   */
  public ServerRuntime(ConfigurationBuilder builder, PluginCatalog catalog, Transports transports,
      EventLoopGroup group, NettyIoLoops loops, int udpSockets, QueryExecutor executor,
      ExecutorService reloadThread, Map<String, String> environment, int dnsPort, Counter.Child reloadFailures) {
    this.builder = builder;
    this.catalog = catalog;
    this.transports = transports;
    this.group = group;
    this.loops = loops;
    this.udpSockets = udpSockets;
    this.executor = executor;
    this.reloadThread = reloadThread;
    this.environment = environment;
    this.dnsPort = dnsPort;
    this.reloadFailures = reloadFailures;
  }

  /** Validates {@code corefile}, starts its plugins, binds its listeners and serves it. */
  public synchronized void start(CorefileSource corefile) throws ConfigException, IOException {
    this.source = corefile;
    Generation generation = prepare(corefile);
    try {
      Map<ListenerKey, RouteTable> tables = tables(generation);
      for (Map.Entry<ListenerKey, RouteTable> entry : tables.entrySet()) {
        listeners.put(entry.getKey(), bind(entry.getKey(), generation, entry.getValue()));
      }
    } catch (IOException | RuntimeException e) {
      closeListeners(listeners.keySet().stream().toList());
      generation.stopPlugins();
      throw e;
    }
    current = generation;
    loadedAt = Instant.now();
    generation.configuration().commit();
    generation.configuration().services().runWhenReady(whenFirstReady);
    generation.configuration().services().markServing();
    logChains(generation.configuration());
  }

  /**
   * Runs {@code task} when the configuration {@link #start} serves is first found ready (not on
   * reloads); set before {@link #start}.
   */
  public synchronized void whenFirstReady(Runnable task) {
    this.whenFirstReady = task;
  }

  /**
   * Rereads the Corefile from its source and swaps the new configuration in; on failure the
   * current one keeps serving, the failure is counted and rethrown.
   */
  public synchronized void reload() throws ConfigException, IOException {
    reload(source);
  }

  /** Replaces the configuration with {@code corefile}; see {@link #reload()}. */
  public synchronized void reload(CorefileSource corefile) throws ConfigException, IOException {
    Generation previous = current;
    Generation next;
    try {
      next = prepare(corefile);
    } catch (ConfigException | IOException | RuntimeException e) {
      reloadFailed(e);
      throw e;
    }
    Map<ListenerKey, RouteTable> tables = tables(next);
    List<ListenerKey> added = new ArrayList<>();
    try {
      for (Map.Entry<ListenerKey, RouteTable> entry : tables.entrySet()) {
        if (!listeners.containsKey(entry.getKey())) {
          listeners.put(entry.getKey(), bind(entry.getKey(), next, entry.getValue()));
          added.add(entry.getKey());
        }
      }
    } catch (IOException | RuntimeException e) {
      closeListeners(added);
      next.stopPlugins();
      reloadFailed(e);
      throw e;
    }
    for (Map.Entry<ListenerKey, RouteTable> entry : tables.entrySet()) {
      listeners.get(entry.getKey()).swap(entry.getValue());
    }
    List<ListenerKey> removed = listeners.keySet().stream().filter(k -> !tables.containsKey(k)).toList();
    closeListeners(removed);
    this.source = corefile;
    this.current = next;
    next.configuration().commit();
    loadedAt = Instant.now();
    lastReloadError = null;
    next.configuration().services().markServing();
    logChains(next.configuration());
    LOG.info("reloaded configuration (sha512 {})", next.configuration().corefile().sha512());
    retire(previous);
  }

  /** Runs {@link #reload()} on the reload thread: the entry point of the {@code reload} plugin. */
  public CompletionStage<Void> reloadAsync() {
    return CompletableFuture.runAsync(() -> {
      try {
        reload();
      } catch (ConfigException | IOException e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    }, reloadThread);
  }

  private void reloadFailed(Exception e) {
    reloadFailures.inc();
    lastReloadError = e.getMessage();
    LOG.error("reload failed, still serving the previous configuration: {}", e.getMessage());
  }

  /**
   * Builds and starts a configuration; returns once every plugin is ready to serve. Runs under
   * the runtime's lock, but a shutdown does not wait for it: it cancels the wait, and this fails.
   */
  private Generation prepare(CorefileSource corefile) throws ConfigException, IOException {
    Corefile parsed = corefile.parse(environment, dnsPort);
    ServerConfiguration configuration = builder.build(parsed, corefile.baseDirectory());
    Generation generation = new Generation(configuration, dnsRoutes(configuration), loops);
    CompletableFuture<Void> ready;
    try {
      ready = generation.startPlugins();
    } catch (Generation.PluginStartException e) {
      throw new IOException(e.getMessage(), e);
    }
    starting = ready;
    try {
      if (stopping) {
        ready.cancel(false);
      }
      ready.get();
      return generation;
    } catch (ExecutionException e) {
      generation.stopPlugins();
      Throwable cause = e.getCause();
      throw new IOException(cause.getMessage(), cause);
    } catch (CancellationException e) {
      generation.stopPlugins();
      throw new IOException("the server is shutting down; the configuration was not started");
    } catch (InterruptedException e) {
      generation.stopPlugins();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while the plugins were starting");
    } finally {
      starting = null;
    }
  }

  private void retire(Generation previous) {
    if (previous == null) {
      return;
    }
    previous.retire()
        .orTimeout(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .whenCompleteAsync((done, timeout) -> {
          if (timeout instanceof TimeoutException) {
            LOG.warn("queries of the previous configuration still in flight after {}; stopping it", DRAIN_TIMEOUT);
          }
          previous.stopPlugins();
        }, reloadThread);
  }

  private BoundListener bind(ListenerKey key, Generation generation, RouteTable table) throws IOException {
    BoundListener listener;
    if (key.scheme().builtIn()) {
      SslContext tls = key.scheme() == Scheme.TLS ? tlsSettings(generation, key).context() : null;
      listener = DnsListener.bind(key, transports, group, loops, udpSockets, tls, executor, table);
    } else {
      TlsSettings tls = tlsSettings(generation, key);
      PluginCatalog.LoadedListener plugin = catalog.listener(key.scheme()).orElseThrow(() ->
          new IOException("no listener plugin provides " + key.scheme().prefix() + "://"));
      listener = PluginListener.bind(key, plugin.factory(), key.bindAddress(),
          Optional.ofNullable(tls).map(TlsSettings::files), plugins(generation, key), loops, executor, table);
    }
    LOG.info("listening on {} (udp {}, {} {})", key.label(),
        listener.udpAddress() == null ? "-" : listener.udpAddress().getPort(),
        key.scheme() == Scheme.DNS ? "tcp" : key.scheme().prefix(), listener.streamAddress().getPort());
    return listener;
  }

  /** The plugins of the blocks serving {@code key}, in block order. */
  private static List<Plugin> plugins(Generation generation, ListenerKey key) {
    List<Plugin> plugins = new ArrayList<>();
    for (BlockPlan plan : generation.configuration().blocks()) {
      boolean served = plan.block().keys().stream()
          .anyMatch(k -> k.scheme() == key.scheme() && k.port() == key.port());
      if (served) {
        plan.plugins().forEach(configured -> plugins.add(configured.plugin()));
      }
    }
    return plugins;
  }

  /** The TLS settings of the block serving {@code key}, or {@code null} when it has none. */
  private static TlsSettings tlsSettings(Generation generation, ListenerKey key) {
    for (BlockPlan plan : generation.configuration().blocks()) {
      for (ServerKey serverKey : plan.block().keys()) {
        if (serverKey.scheme() == key.scheme() && serverKey.port() == key.port() && plan.tls() != null) {
          return plan.tls();
        }
      }
    }
    if (key.scheme() == Scheme.TLS) {
      throw new IllegalStateException("no tls settings for " + key.label());
    }
    return null;
  }

  /** Every listener the configuration needs, with the routes each serves. */
  private Map<ListenerKey, RouteTable> tables(Generation generation) {
    Map<ListenerKey, List<ServerRoute>> routes = routesByListener(generation.configuration());
    Map<ListenerKey, ProxyPolicy> proxies = proxyPolicies(generation.configuration());
    Map<ListenerKey, ListenerTimeouts> timeouts = listenerTimeouts(generation.configuration());
    Map<ListenerKey, RouteTable> tables = new LinkedHashMap<>();
    routes.forEach((key, list) -> tables.put(key, new RouteTable(new ZoneRouter(list), generation, proxies.get(key),
        timeouts.getOrDefault(key, ListenerTimeouts.DEFAULTS))));
    return tables;
  }

  /**
   * The {@code timeouts} of each listener whose blocks set them: as CoreDNS, each block's given
   * values override the earlier blocks' on the same address, option by option.
   */
  private static Map<ListenerKey, ListenerTimeouts> listenerTimeouts(ServerConfiguration configuration) {
    Map<ListenerKey, ListenerTimeouts> timeouts = new LinkedHashMap<>();
    for (BlockPlan plan : configuration.blocks()) {
      for (ConfiguredPlugin configured : plan.plugins()) {
        Optional<ListenerTimeouts> given = configured.plugin().listenerTimeouts();
        if (given.isEmpty()) {
          continue;
        }
        List<InetAddress> hosts = plan.bindAddresses().isEmpty()
            ? java.util.Collections.singletonList(null) : plan.bindAddresses();
        for (ServerKey serverKey : plan.block().keys()) {
          for (InetAddress host : hosts) {
            timeouts.merge(new ListenerKey(serverKey.scheme(), host, serverKey.port()), given.get(),
                ListenerTimeouts::overriddenBy);
          }
        }
      }
    }
    return timeouts;
  }

  /**
   * The {@code proxyproto} of each listener whose blocks have one: of the last such block, as
   * CoreDNS (one policy per listening address). Plugin listeners (https://, quic://...) do not
   * read it.
   */
  private static Map<ListenerKey, ProxyPolicy> proxyPolicies(ServerConfiguration configuration) {
    Map<ListenerKey, ProxyPolicy> policies = new LinkedHashMap<>();
    for (BlockPlan plan : configuration.blocks()) {
      ProxyPolicy policy = plan.plugins().stream().map(ConfiguredPlugin::plugin)
          .filter(ProxyPolicy.class::isInstance).map(ProxyPolicy.class::cast).findFirst().orElse(null);
      if (policy == null) {
        continue;
      }
      List<InetAddress> hosts = plan.bindAddresses().isEmpty()
          ? java.util.Collections.singletonList(null) : plan.bindAddresses();
      for (ServerKey serverKey : plan.block().keys()) {
        for (InetAddress host : hosts) {
          policies.put(new ListenerKey(serverKey.scheme(), host, serverKey.port()), policy);
        }
      }
    }
    return policies;
  }

  /** The routes of every listener the configuration asks for, in Corefile order. */
  static Map<ListenerKey, List<ServerRoute>> routesByListener(ServerConfiguration configuration) {
    Map<ListenerKey, List<ServerRoute>> routes = new LinkedHashMap<>();
    for (BlockPlan plan : configuration.blocks()) {
      List<InetAddress> hosts = plan.bindAddresses().isEmpty()
          ? java.util.Collections.singletonList(null) : plan.bindAddresses();
      for (ServerKey serverKey : plan.block().keys()) {
        for (InetAddress host : hosts) {
          ListenerKey key = new ListenerKey(serverKey.scheme(), host, serverKey.port());
          routes.computeIfAbsent(key, k -> new ArrayList<>())
              .add(new ServerRoute(serverKey, plan.pipeline(), key.label(), plan.view()));
        }
      }
    }
    return routes;
  }

  private static List<ServerRoute> dnsRoutes(ServerConfiguration configuration) {
    List<ServerRoute> all = new ArrayList<>();
    routesByListener(configuration).values().forEach(all::addAll);
    return all;
  }

  private void closeListeners(List<ListenerKey> keys) {
    for (ListenerKey key : keys) {
      BoundListener listener = listeners.remove(key);
      if (listener != null) {
        listener.close();
      }
    }
  }

  private static void logChains(ServerConfiguration configuration) {
    for (BlockPlan plan : configuration.blocks()) {
      List<String> keys = plan.block().keys().stream().map(ServerKey::label).toList();
      List<String> chain = plan.plugins().stream().map(p -> p.directive()).toList();
      LOG.info("server block {} chain: {}", keys.size() > 4 ? keys.subList(0, 4) + "…(" + keys.size() + " zones)" : keys,
          String.join(" -> ", chain));
    }
  }

  /**
   * Shuts down: readiness is already false (the caller set it); keeps answering for the lameduck
   * period, stops listening, lets in-flight queries finish, stops the plugins.
   */
  public void shutdown() {
    stopping = true;
    CompletableFuture<Void> pending = starting;
    if (pending != null) {
      pending.cancel(false);
    }
    Generation generation;
    synchronized (this) {
      generation = current;
    }
    if (generation == null) {
      return;
    }
    Duration lameduck = generation.lameduck();
    if (!lameduck.isZero()) {
      LOG.info("lameduck: answering for {} more before stopping", lameduck);
      try {
        Thread.sleep(lameduck.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      listeners.values().forEach(BoundListener::stopReading);
    }
    try {
      generation.retire().get(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("queries still in flight after {}; stopping anyway", DRAIN_TIMEOUT);
    }
    synchronized (this) {
      closeListeners(List.copyOf(listeners.keySet()));
      current = null;
    }
    generation.stopPlugins();
  }

  /** The listeners, in the order the Corefile names them. */
  public synchronized List<BoundListener> listeners() {
    return List.copyOf(listeners.values());
  }

  /** The configuration served now, or {@code null} before start and after shutdown. */
  public ServerConfiguration configuration() {
    Generation generation = current;
    return generation == null ? null : generation.configuration();
  }


  /** What plugins may know about and ask of this runtime, for the configuration serving now. */
  public ServerControl control() {
    return new ServerControl() {
      @Override
      public ConfigSource configSource() {
        ServerConfiguration configuration = configuration();
        return configuration == null ? new ConfigSource(List.of(), "")
            : new ConfigSource(configuration.corefile().files(), configuration.corefile().sha512());
      }

      @Override
      public CompletionStage<Void> reload() {
        return reloadAsync();
      }

      @Override
      public ConfigStatus status() {
        return new ConfigStatus(configSource(), loadedAt, Optional.ofNullable(lastReloadError));
      }

      @Override
      public List<Inspector> inspectors() {
        ServerConfiguration configuration = configuration();
        return configuration == null ? List.of() : configuration.services().registeredInspectors();
      }

      @Override
      public CompletionStage<Explanation> explain(Message query, InetSocketAddress client) {
        Generation generation = current;
        if (generation == null) {
          return CompletableFuture.failedFuture(new IllegalStateException("the server is not serving"));
        }
        return generation.explain(query, client);
      }
    };
  }

}
