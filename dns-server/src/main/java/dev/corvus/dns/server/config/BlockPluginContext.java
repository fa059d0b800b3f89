package dev.corvus.dns.server.config;

import dev.corvus.dns.api.Ticker;
import dev.corvus.dns.api.io.IoLoops;
import dev.corvus.dns.api.metrics.Metrics;
import dev.corvus.dns.api.plugin.HttpEndpoints;
import dev.corvus.dns.api.plugin.Inspectors;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.Readiness;
import dev.corvus.dns.api.plugin.Resolver;
import dev.corvus.dns.api.plugin.ResponseObserver;
import dev.corvus.dns.api.plugin.ServiceRegistry;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The {@link PluginContext} of one directive of a server block: the server's services as that
 * block's plugins see them, and the capabilities its factory declared. The server builds one per
 * directive; the test kit builds them for unit tests.
 *
 * @param metrics the metric registry
 * @param readiness the configuration's readiness
 * @param services the block's view of exported services
 * @param resolver resolution through the configuration
 * @param http the HTTP endpoints
 * @param inspectors where the configuration's inspectors are registered
 * @param observers the block's response observers, which its pipeline calls
 * @param scheduler timers and background work (an unclosable view)
 * @param clock the wall clock
 * @param ticker the monotonic clock
 * @param ioLoops the I/O loops
 * @param serverLabel the block's {@code server} label
 * @param bind the block's {@code bind} addresses, filled in once the block is read
 * @param offered the capabilities the server offers, by type
 * @param declared the capabilities the directive's factory declared
 * @param directive the directive, for error messages
 */
public record BlockPluginContext(Metrics metrics, Readiness readiness, ServiceRegistry services,
    Resolver resolver, HttpEndpoints http, Inspectors inspectors, List<ResponseObserver> observers,
    ScheduledExecutorService scheduler, Clock clock, Ticker ticker, IoLoops ioLoops, String serverLabel,
    List<InetAddress> bind, Map<Class<?>, Object> offered, Set<Class<?>> declared, String directive)
    implements PluginContext {

  @Override
  public List<InetAddress> bindAddresses() {
    return List.copyOf(bind);
  }

  @Override
  public void observeResponses(ResponseObserver observer) {
    observers.add(observer);
  }

  @Override
  public <T> T capability(Class<T> type) {
    if (!declared.contains(type)) {
      throw new IllegalStateException(directive + " uses capability " + type.getName()
          + " without declaring it in its PluginFactory.capabilities()");
    }
    Object capability = offered.get(type);
    if (capability == null) {
      throw new IllegalStateException("this server does not offer capability " + type.getName());
    }
    return type.cast(capability);
  }
}
