package dev.corvus.dns.server.lifecycle;

import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.Transport;
import dev.corvus.dns.api.capability.Explanation;
import dev.corvus.dns.api.io.IoLoops;
import dev.corvus.dns.api.plugin.Resolver;
import dev.corvus.dns.server.config.ConfiguredPlugin;
import dev.corvus.dns.server.config.ServerConfiguration;
import dev.corvus.dns.server.routing.Pipeline;
import dev.corvus.dns.server.routing.ServerQueryContext;
import dev.corvus.dns.server.routing.ServerRoute;
import dev.corvus.dns.server.routing.ZoneRouter;
import dev.corvus.dns.server.transport.QueryExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * One loaded configuration while it serves: its plugins' lifecycle, its queries in flight (so it
 * is stopped only when they are done) and the resolver its plugins use.
 */
final class Generation implements QueryExecutor.InFlight, Resolver {

  private static final Logger LOG = LoggerFactory.getLogger(Generation.class);
  private static final InetSocketAddress INTERNAL_CLIENT =
      new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0);

  private final ServerConfiguration configuration;
  private final IoLoops loops;
  private final ZoneRouter internalRouter;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final List<ConfiguredPlugin> started = new ArrayList<>();
  private volatile boolean retired;
  private final CompletableFuture<Void> drained = new CompletableFuture<>();

  Generation(ServerConfiguration configuration, List<ServerRoute> dnsRoutes, IoLoops loops) {
    this.configuration = configuration;
    this.loops = loops;
    this.internalRouter = new ZoneRouter(dnsRoutes);
    configuration.resolver().bind(this);
  }

  ServerConfiguration configuration() {
    return configuration;
  }

  /**
   * Starts every plugin, the last of each chain first, so that a plugin can use the ones after it
   * from its own start (loop probes through forward); on failure stops those already started and
   * rethrows.
   *
   * @return completes when every plugin's start stage completed (the configuration can serve);
   *     exceptionally with a {@link PluginStartException} when one failed
   */
  CompletableFuture<Void> startPlugins() throws PluginStartException {
    List<ConfiguredPlugin> plugins = new ArrayList<>(configuration.plugins());
    java.util.Collections.reverse(plugins);
    List<CompletableFuture<Void>> stages = new ArrayList<>();
    for (ConfiguredPlugin plugin : plugins) {
      CompletableFuture<Void> stage;
      try {
        stage = plugin.plugin().start().toCompletableFuture();
      } catch (Exception | LinkageError e) {
        stopPlugins();
        throw startFailure(plugin, e);
      }
      started.add(plugin);
      stages.add(stage.handle((done, failure) -> {
        if (failure != null) {
          throw new CompletionException(startFailure(plugin, Pipeline.cause(failure)));
        }
        return null;
      }));
    }
    return CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new));
  }

  private static PluginStartException startFailure(ConfiguredPlugin plugin, Throwable e) {
    return new PluginStartException(plugin.location() + ": " + plugin.directive()
        + ": cannot start: " + e.getMessage(), e);
  }

  /** Stops the started plugins in the reverse order of their start: chain order. */
  void stopPlugins() {
    for (int i = started.size() - 1; i >= 0; i--) {
      ConfiguredPlugin plugin = started.get(i);
      try {
        plugin.plugin().stop();
      } catch (RuntimeException e) {
        LOG.warn("{}: {}: failed to stop: {}", plugin.location(), plugin.directive(), e.toString());
      }
    }
    started.clear();
  }

  /** The longest lameduck any plugin asks for. */
  Duration lameduck() {
    Duration longest = Duration.ZERO;
    for (ConfiguredPlugin plugin : configuration.plugins()) {
      Duration lameduck = plugin.plugin().lameduck();
      if (lameduck.compareTo(longest) > 0) {
        longest = lameduck;
      }
    }
    return longest;
  }

  @Override
  public void enter() {
    inFlight.incrementAndGet();
  }

  @Override
  public void leave() {
    if (inFlight.decrementAndGet() == 0 && retired) {
      drained.complete(null);
    }
  }

  /** Marks the generation replaced; the returned stage completes when no query is in flight. */
  CompletableFuture<Void> retire() {
    retired = true;
    if (inFlight.get() == 0) {
      drained.complete(null);
    }
    return drained;
  }

  @Override
  public CompletionStage<Message> resolve(Message query) {
    if (query.getQuestion() == null) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("a query needs a question"));
    }
    long start = System.nanoTime();
    ZoneRouter.Selected selected = internalRouter.select(query.getQuestion().getName(),
        r -> Request.of(query, INTERNAL_CLIENT, Transport.INTERNAL, r.zone(), r.serverLabel(),
            new ServerQueryContext(start, false, false, loops.currentOrNext())));
    if (selected == null) {
      Request refused = Request.of(query, INTERNAL_CLIENT, Transport.INTERNAL, org.xbill.DNS.Name.root,
          "internal", new ServerQueryContext(start, false, false, loops.currentOrNext()));
      return CompletableFuture.completedFuture(Responses.error(refused, Rcode.REFUSED));
    }
    ServerRoute route = selected.route();
    Request request = selected.request();
    CompletionStage<Message> result;
    try {
      result = route.pipeline().run(request);
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    return result.handle((response, failure) -> {
      if (failure == null) {
        response.getHeader().setID(query.getHeader().getID());
        return response;
      }
      return Responses.error(request, Pipeline.failureRcode(failure));
    });
  }

  /**
   * Runs {@code query} through the chain of the first server block (in Corefile order) that
   * serves its name, as an explanation: handlers leave no trace and note what they do.
   */
  CompletionStage<Explanation> explain(Message query, InetSocketAddress client) {
    if (query.getQuestion() == null) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("a query needs a question"));
    }
    long start = System.nanoTime();
    ZoneRouter.Selected selected = internalRouter.select(query.getQuestion().getName(),
        r -> Request.of(query, client, Transport.UDP, r.zone(), r.serverLabel(),
            new ServerQueryContext(start, true, false, loops.currentOrNext())));
    if (selected == null) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(
          "no server block serves " + query.getQuestion().getName() + " (the server would answer REFUSED)"));
    }
    return selected.route().pipeline().explain(selected.request());
  }

  /** A plugin could not start. */
  static final class PluginStartException extends Exception {
    private static final long serialVersionUID = 1L;

    PluginStartException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
