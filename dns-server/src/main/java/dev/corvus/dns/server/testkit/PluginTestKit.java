package dev.corvus.dns.server.testkit;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.QueryContext;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Transport;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.plugin.HttpEndpoints;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import dev.corvus.dns.api.plugin.Readiness;
import dev.corvus.dns.api.plugin.Resolver;
import dev.corvus.dns.api.plugin.ServerControl;
import dev.corvus.dns.api.plugin.ServiceRegistry;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.server.config.GenerationServices;
import dev.corvus.dns.server.corefile.Corefile;
import dev.corvus.dns.server.corefile.CorefileParser;
import dev.corvus.dns.server.corefile.Directive;
import dev.corvus.dns.server.corefile.DirectiveReader;
import dev.corvus.dns.server.corefile.ServerBlock;
import dev.corvus.dns.server.corefile.ServerKey;
import dev.corvus.dns.server.metrics.PrometheusMetrics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;

/**
 * Unit-test helpers for plugin authors: parse a directive with the real Corefile parser, give a
 * factory a working {@link PluginContext}, and call a handler with a chain whose rest is a
 * handler of the test's choosing. For tests over real sockets use {@link dev.corvus.dns.server.Corvus}.
 *
 * <pre>{@code
 * PluginTestKit kit = new PluginTestKit();
 * Plugin plugin = kit.create(new MyFactory(), "example.org:53", "mydirective arg { option 1 }");
 * Message answer = kit.handle(plugin, kit.request("www.example.org.", Type.A), PluginTestKit.nxdomain());
 * }</pre>
 */
public final class PluginTestKit implements AutoCloseable {

  private static final InetSocketAddress CLIENT =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);

  private final PrometheusMetrics metrics = new PrometheusMetrics();
  private final GenerationServices services = new GenerationServices();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final Clock clock;

  /** A kit with the system clock. */
  public PluginTestKit() {
    this(Clock.systemUTC());
  }

  /** A kit whose plugins see {@code clock}. */
  public PluginTestKit(Clock clock) {
    this.clock = clock;
  }

  /**
   * Parses {@code directive} (one directive with its block, as written in a Corefile) inside a
   * server block with key {@code serverKey} and lets {@code factory} create the plugin; fails the
   * way the server would when arguments are left unread.
   *
   * @throws ConfigException with the {@code <test>:line} location of the problem
   */
  public Plugin create(PluginFactory factory, String serverKey, String directive) throws ConfigException {
    Corefile corefile = CorefileParser.parse(serverKey + " {\n" + directive + "\n}\n", "<test>",
        Path.of("").toAbsolutePath(), Map.of(), 53);
    ServerBlock block = corefile.blocks().get(0);
    Directive parsed = block.directives().get(0);
    List<Name> zones = block.keys().stream().map(ServerKey::zone).distinct().toList();
    DirectiveReader reader = new DirectiveReader(parsed, zones, Path.of("").toAbsolutePath());
    Plugin plugin = factory.create(reader, context());
    reader.finish();
    return plugin;
  }

  /** A context with a real metric registry, readiness and service registry; HTTP is unavailable. */
  public PluginContext context() {
    Readiness readiness = services.readiness(() -> false);
    ServiceRegistry registry = services.services(0);
    return new PluginContext() {
      @Override
      public PrometheusMetrics metrics() {
        return metrics;
      }

      @Override
      public Readiness readiness() {
        return readiness;
      }

      @Override
      public ServiceRegistry services() {
        return registry;
      }

      @Override
      public Resolver resolver() {
        return query -> CompletableFuture.failedFuture(
            new IllegalStateException("the test kit has no server to resolve through; use Corvus"));
      }

      @Override
      public HttpEndpoints http() {
        return (address, path, route) -> {
          throw new IllegalStateException("the test kit serves no HTTP; use Corvus");
        };
      }

      @Override
      public ServerControl server() {
        return new ServerControl() {
          @Override
          public ConfigSource configSource() {
            return new ConfigSource(List.of(), "");
          }

          @Override
          public CompletionStage<Void> reload() {
            return CompletableFuture.failedFuture(new IllegalStateException("the test kit does not reload"));
          }
        };
      }

      @Override
      public ScheduledExecutorService scheduler() {
        return scheduler;
      }

      @Override
      public Clock clock() {
        return clock;
      }

      @Override
      public String serverLabel() {
        return "dns://:53";
      }
    };
  }

  /** The kit's metric registry, to read values a plugin recorded. */
  public PrometheusMetrics metrics() {
    return metrics;
  }

  /** A UDP query for {@code name} and {@code type} from 127.0.0.1:40000 in the root zone's block. */
  public Request request(String name, int type) {
    return Request.of(DnsClient.newQuery(name, type), CLIENT, Transport.UDP, Name.root, "dns://:53",
        new QueryContext(System.nanoTime()));
  }

  /**
   * Runs {@code plugin}'s handler on {@code request}; {@code next} plays the rest of the chain.
   * Waits at most five seconds for the answer.
   */
  public Message handle(Plugin plugin, Request request, Handler next) throws Exception {
    Handler handler = plugin.handler().orElseThrow(() -> new IllegalArgumentException("the plugin has no handler"));
    return handler.handle(chain(request, next)).toCompletableFuture()
        .get(5, java.util.concurrent.TimeUnit.SECONDS);
  }

  /** A chain at {@code request} whose rest is {@code next}. */
  public static Chain chain(Request request, Handler next) {
    return new Chain() {
      @Override
      public Request request() {
        return request;
      }

      @Override
      public CompletionStage<Message> proceed(Request nextRequest) {
        return next.handle(chain(nextRequest, nothing()));
      }

      @Override
      public boolean hasNext() {
        return true;
      }
    };
  }

  /** A rest of the chain that answers NXDOMAIN to everything. */
  public static Handler nxdomain() {
    return chain -> CompletableFuture.completedFuture(
        dev.corvus.dns.api.Responses.error(chain.request(), Rcode.NXDOMAIN));
  }

  private static Handler nothing() {
    return chain -> CompletableFuture.failedFuture(new IllegalStateException("no next plugin"));
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
