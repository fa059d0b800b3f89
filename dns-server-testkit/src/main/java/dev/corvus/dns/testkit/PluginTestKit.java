package dev.corvus.dns.testkit;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.Ticker;
import dev.corvus.dns.api.capability.Explanation;
import dev.corvus.dns.api.capability.ServerControl;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.io.IoLoops;
import dev.corvus.dns.api.metrics.Metrics;
import dev.corvus.dns.api.plugin.HttpEndpoints;
import dev.corvus.dns.api.plugin.Inspector;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import dev.corvus.dns.api.plugin.Readiness;
import dev.corvus.dns.api.plugin.Resolver;
import dev.corvus.dns.api.plugin.ResponseObserver;
import dev.corvus.dns.api.plugin.ServiceRegistry;
import dev.corvus.dns.server.config.BlockPluginContext;
import dev.corvus.dns.server.config.GenerationServices;
import dev.corvus.dns.server.config.StagedMetrics;
import dev.corvus.dns.server.corefile.Corefile;
import dev.corvus.dns.server.corefile.CorefileParser;
import dev.corvus.dns.server.corefile.Directive;
import dev.corvus.dns.server.corefile.DirectiveReader;
import dev.corvus.dns.server.corefile.ServerBlock;
import dev.corvus.dns.server.corefile.ServerKey;
import dev.corvus.dns.server.io.NettyIoLoops;
import dev.corvus.dns.server.metrics.PrometheusMetrics;
import dev.corvus.dns.server.routing.ServerQueryContext;
import dev.corvus.dns.server.transport.Transports;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;

/**
 * Unit-test helpers for plugin authors: parse a directive with the real Corefile parser, give a
 * factory a working {@link PluginContext}, and call a handler with a chain whose rest is a
 * handler of the test's choosing. For tests over real sockets use {@link dev.corvus.dns.server.Corvus}.
 *
 * <pre>{@code
 * try (PluginTestKit kit = new PluginTestKit(new ManualClock())) {
 *   Plugin plugin = kit.create(new MyFactory(), "example.org:53", "mydirective arg { option 1 }");
 *   Message answer = kit.handle(plugin, kit.request("www.example.org.", Type.A), PluginTestKit.nxdomain());
 *   assertEquals(1, kit.metricValue("coredns_mydirective_hits_total", "dns://:53"));
 * }
 * }</pre>
 *
 * <p>The context it gives has a real metric registry ({@link #metricValue}, {@link #scrape()}),
 * readiness and service registry, the kit's clock as both wall clock and ticker, and real I/O
 * loops (one thread, started on first use) for plugins that open sockets; HTTP routes are recorded
 * in memory instead of served ({@link #route}); the resolver and the reload entry point fail
 * unless a test sets them ({@link #resolver}, {@link #reload}). The kit is meant for one test at a
 * time; close it to stop its scheduler and loops.
 *
 * <p>{@link #chain} and {@link #handle} are the chain harness: a handler under test runs with a
 * chain whose rest is a handler of the test's choosing, as the server's chain would run it.
 */
public final class PluginTestKit implements AutoCloseable {

  private static final String CONFIG_FILE = "<test>";

  private final PrometheusMetrics metrics = new PrometheusMetrics();
  /** What plugins register through: computed gauges combine as in a served configuration. */
  private final StagedMetrics pluginMetrics = new StagedMetrics(metrics);
  private final GenerationServices services = new GenerationServices();
  private final Map<String, HttpEndpoints.Route> routes = new ConcurrentHashMap<>();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "plugin-test-kit-scheduler");
    thread.setDaemon(true);
    return thread;
  });
  private final Clock clock;
  private final Ticker ticker;
  private EventLoopGroup loopGroup;
  private IoLoops ioLoops;
  private volatile Path baseDirectory = Path.of("").toAbsolutePath();
  private volatile Resolver resolver = query -> CompletableFuture.failedFuture(
      new IllegalStateException("the test kit has no server to resolve through; set one with resolver(...) or use Corvus"));
  private final List<ResponseObserver> observers = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile ServerControl.ConfigSource configSource = new ServerControl.ConfigSource(List.of(), "");
  private volatile Supplier<CompletionStage<Void>> reload = () -> CompletableFuture.failedFuture(
      new IllegalStateException("the test kit does not reload; set what reload does with reload(...)"));
  private volatile boolean shuttingDown;

  /** A kit with the system's clock and ticker. */
  public PluginTestKit() {
    this(Clock.systemUTC(), Ticker.system());
  }

  /** A kit whose plugins see {@code clock} as both their wall clock and their ticker. */
  public PluginTestKit(ManualClock clock) {
    this(clock, clock);
  }

  /** A kit whose plugins see {@code clock} and {@code ticker}. */
  public PluginTestKit(Clock clock, Ticker ticker) {
    this.clock = clock;
    this.ticker = ticker;
    // Handlers are called directly, so readiness waits for no listeners, and what plugins
    // register is live at once.
    services.markServing();
    pluginMetrics.commit();
  }

  /** Sets the Corefile's directory, against which directives resolve relative paths; the working directory by default. */
  public PluginTestKit baseDirectory(Path directory) {
    this.baseDirectory = directory.toAbsolutePath();
    return this;
  }

  /** Sets what the context's {@link PluginContext#resolver()} answers with, from now on. */
  public PluginTestKit resolver(Resolver resolver) {
    this.resolver = resolver;
    return this;
  }

  /** Sets the configuration source the context's {@link ServerControl} reports. */
  public PluginTestKit configSource(ServerControl.ConfigSource source) {
    this.configSource = source;
    return this;
  }

  /** Sets what {@link ServerControl#reload()} does, from now on. */
  public PluginTestKit reload(Supplier<CompletionStage<Void>> reload) {
    this.reload = reload;
    return this;
  }

  /** Makes readiness report {@code "shutdown"}, as the server's does while it stops. */
  public PluginTestKit shuttingDown(boolean shuttingDown) {
    this.shuttingDown = shuttingDown;
    return this;
  }

  /**
   * Parses {@code directive} (one directive with its block, as written in a Corefile) inside a
   * server block with key {@code serverKey} and lets {@code factory} create the plugin; fails the
   * way the server would when arguments are left unread.
   *
   * @throws ConfigException with the {@code <test>:line} location of the problem
   */
  public Plugin create(PluginFactory factory, String serverKey, String directive) throws ConfigException {
    DirectiveConfig config = config(serverKey, directive);
    Plugin plugin = factory.create(config, context(config.directive(), factory.capabilities()));
    config.finish();
    return plugin;
  }

  /** {@link #create(PluginFactory, String, String)} in the root zone's block {@code .:53}. */
  public Plugin create(PluginFactory factory, String directive) throws ConfigException {
    return create(factory, ".:53", directive);
  }

  /**
   * The reader a factory would get for {@code directive} inside a server block with key {@code
   * serverKey}, for tests of a factory's parsing on its own. Line 1 is the server key, so the
   * directive's own line is {@code <test>:2}.
   *
   * @throws ConfigException when the text is not a valid Corefile
   */
  public DirectiveConfig config(String serverKey, String directive) throws ConfigException {
    Corefile corefile = CorefileParser.parse(serverKey + " {\n" + directive + "\n}\n", CONFIG_FILE,
        baseDirectory, Map.of(), 53);
    ServerBlock block = corefile.blocks().get(0);
    Directive parsed = block.directives().get(0);
    List<Name> zones = block.keys().stream().map(ServerKey::zone).distinct().toList();
    return new DirectiveConfig(new DirectiveReader(parsed, zones, baseDirectory));
  }

  /** {@link #config(String, String)} in the root zone's block {@code .:53}. */
  public DirectiveConfig config(String directive) throws ConfigException {
    return config(".:53", directive);
  }

  /**
   * The context the kit gives factories, granted every capability; every call shares the kit's
   * registry, scheduler, clocks and loops.
   */
  public PluginContext context() {
    return context("test", Set.of(ServerControl.class));
  }

  private PluginContext context(String directive, Set<Class<?>> declared) {
    Readiness readiness = services.readiness(() -> shuttingDown);
    ServiceRegistry registry = services.services(0);
    ServerControl control = new ServerControl() {
      @Override
      public ConfigSource configSource() {
        return configSource;
      }

      @Override
      public CompletionStage<Void> reload() {
        return reload.get();
      }

      @Override
      public ConfigStatus status() {
        return new ConfigStatus(configSource, Instant.EPOCH, Optional.empty());
      }

      @Override
      public List<Inspector> inspectors() {
        return services.registeredInspectors();
      }

      /** The kit has no chain: the explanation holds the kit's resolver's answer and no steps. */
      @Override
      public CompletionStage<Explanation> explain(Message query, InetSocketAddress client) {
        long start = System.nanoTime();
        return resolver.resolve(query).thenApply(response -> new Explanation(Queries.SERVER,
            Name.root.toString(), List.of(), response, java.time.Duration.ofNanos(System.nanoTime() - start)));
      }
    };
    return new BlockPluginContext(pluginMetrics, readiness, registry, query -> resolver.resolve(query),
        this::serve, services.inspectors(), observers, scheduler, clock, ticker, ioLoops(), Queries.SERVER,
        List.of(), Map.of(ServerControl.class, control), declared, directive);
  }

  /** The kit's I/O loops: one real event loop, started the first time a plugin asks for one. */
  public synchronized IoLoops ioLoops() {
    if (ioLoops == null) {
      IoLoops lazy = new IoLoops() {
        @Override
        public Optional<dev.corvus.dns.api.io.IoLoop> current() {
          return started().current();
        }

        @Override
        public dev.corvus.dns.api.io.IoLoop next() {
          return started().next();
        }

        @Override
        public dev.corvus.dns.api.io.IoLoop currentOrNext() {
          return started().currentOrNext();
        }

        @Override
        public dev.corvus.dns.api.io.TlsClient tlsClient(
            dev.corvus.dns.api.config.TlsFiles files, Optional<String> serverName) {
          return new dev.corvus.dns.server.io.CheckOnlyIoLoops().tlsClient(files, serverName);
        }
      };
      ioLoops = lazy;
    }
    return ioLoops;
  }

  private synchronized IoLoops started() {
    if (loopGroup == null) {
      Transports transports = Transports.detect();
      loopGroup = transports.newGroup(1, "plugin-test-kit-io");
      realLoops = new NettyIoLoops(transports, loopGroup);
    }
    return realLoops;
  }

  private NettyIoLoops realLoops;

  private HttpEndpoints.Endpoint serve(InetSocketAddress address, String path, HttpEndpoints.Route route) {
    String key = routeKey(address, path);
    routes.put(key, route);
    return new HttpEndpoints.Endpoint() {
      @Override
      public InetSocketAddress boundAddress() {
        return address;
      }

      @Override
      public void close() {
        routes.remove(key, route);
      }
    };
  }

  /**
   * The route a plugin serves at {@code address} and {@code path} (the address as the plugin
   * asked for it, port 0 included), or {@code null} when none is served now.
   */
  public HttpEndpoints.Route route(InetSocketAddress address, String path) {
    return routes.get(routeKey(address, path));
  }

  private static String routeKey(InetSocketAddress address, String path) {
    return address + path;
  }

  /**
   * Tells the response observers plugins registered through this kit's contexts about {@code
   * response}, as the server does after writing it.
   */
  public void observe(Request request, Message response) {
    observers.forEach(observer -> observer.observe(request, response));
  }

  /** The inspector a plugin created by this kit registered for {@code topic}, if any. */
  public Optional<Inspector> inspector(String topic) {
    return services.registeredInspectors().stream().filter(i -> i.topic().equals(topic)).findFirst();
  }

  /** The kit's metric registry as plugins see it. */
  public Metrics metrics() {
    return pluginMetrics;
  }

  /** The current value of a counter or gauge sample a plugin recorded; 0 when absent. */
  public double metricValue(String name, String... labelValues) {
    return metrics.value(name, labelValues);
  }

  /** Every metric as the {@code prometheus} plugin would expose it, parsed; for histograms and computed gauges. */
  public MetricsText scrape() {
    return MetricsText.scrape(metrics);
  }

  /**
   * Runs {@code plugin}'s handler on an explaining copy of {@code request} (see {@link
   * Chain#explaining()}); {@code next} plays the rest of the chain.
   *
   * @return the handler's response and the notes it made
   */
  public Explained explain(Plugin plugin, Request request, Handler next) throws Exception {
    Handler handler = plugin.handler().orElseThrow(() -> new IllegalArgumentException("the plugin has no handler"));
    Request explaining = Request.of(request.message(), request.client(), request.localAddress(), request.transport(),
        request.zone(), request.server(), new ServerQueryContext(System.nanoTime(), true, false, InlineLoop.INSTANCE));
    List<String> notes = new java.util.concurrent.CopyOnWriteArrayList<>();
    Chain chain = new FixedChain(explaining, true, nextRequest -> next.handle(
        new FixedChain(nextRequest, false, last -> CompletableFuture.failedFuture(new IllegalStateException("no next plugin")))),
        notes::add);
    Message response = handler.handle(chain).toCompletableFuture().get(5, TimeUnit.SECONDS);
    return new Explained(response, List.copyOf(notes));
  }

  /**
   * A handler's response to an explained query.
   *
   * @param response the response
   * @param notes what the handler noted, in order
   */
  public record Explained(Message response, List<String> notes) {}

  /** A UDP query for {@code name} and {@code type} from 127.0.0.1:40000 in the root zone's block. */
  public Request request(String name, int type) {
    return Queries.request(name, type);
  }

  /**
   * Runs {@code plugin}'s handler on {@code request}; {@code next} plays the rest of the chain.
   * Waits at most five seconds for the answer.
   */
  public Message handle(Plugin plugin, Request request, Handler next) throws Exception {
    Handler handler = plugin.handler().orElseThrow(() -> new IllegalArgumentException("the plugin has no handler"));
    return handler.handle(chain(request, next)).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  /** A chain at {@code request} whose rest is {@code next}, after which nothing follows. */
  public static Chain chain(Request request, Handler next) {
    return new FixedChain(request, true, nextRequest -> next.handle(
        new FixedChain(nextRequest, false, last -> CompletableFuture.failedFuture(new IllegalStateException("no next plugin")))));
  }

  /**
   * A chain at {@code request} whose rest is {@code next}, which the chain records as answered by
   * directive {@code responder} as the server's chain does (the {@code prometheus} plugin labels
   * responses with it).
   */
  public static Chain chain(Request request, String responder, Handler next) {
    return chain(request, rest -> next.handle(rest).thenApply(response -> {
      if (rest.request().context() instanceof ServerQueryContext context) {
        context.respondedBy(responder);
      }
      return response;
    }));
  }

  /**
   * Tells the listeners of {@code request} (made by {@link Queries}) that {@code response} was
   * written, as the server does after sending it.
   */
  public static void written(Request request, Message response) {
    Queries.context(request).fireWritten(response, response == null ? 0 : response.toWire().length);
  }

  /** A rest of the chain that answers NXDOMAIN to everything. */
  public static Handler nxdomain() {
    return chain -> Responses.completedError(chain.request(), Rcode.NXDOMAIN);
  }

  /** A chain whose rest is a function of the request it is handed. */
  private record FixedChain(Request request, boolean hasNext, Function<Request, CompletionStage<Message>> rest,
      java.util.function.Consumer<String> notes) implements Chain {
    FixedChain(Request request, boolean hasNext, Function<Request, CompletionStage<Message>> rest) {
      this(request, hasNext, rest, text -> {});
    }

    @Override
    public CompletionStage<Message> proceed(Request nextRequest) {
      return rest.apply(nextRequest);
    }

    @Override
    public void note(String text) {
      notes.accept(text);
    }
  }

  @Override
  public synchronized void close() {
    scheduler.shutdownNow();
    if (loopGroup != null) {
      loopGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
