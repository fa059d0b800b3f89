package dev.corvus.dns.server.config;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.plugin.Explanation;
import dev.corvus.dns.api.plugin.Inspector;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.Readiness;
import dev.corvus.dns.api.plugin.ResponseObserver;
import dev.corvus.dns.api.plugin.ServerControl;
import dev.corvus.dns.server.config.BindFactory.BindAddresses;
import dev.corvus.dns.server.config.TlsFactory.TlsSettings;
import dev.corvus.dns.server.corefile.Corefile;
import dev.corvus.dns.server.corefile.Directive;
import dev.corvus.dns.server.corefile.DirectiveReader;
import dev.corvus.dns.server.corefile.Scheme;
import dev.corvus.dns.server.corefile.ServerBlock;
import dev.corvus.dns.server.corefile.ServerKey;
import dev.corvus.dns.server.corefile.Suggestions;
import dev.corvus.dns.server.plugin.LoadedFactory;
import dev.corvus.dns.server.plugin.PluginCatalog;
import dev.corvus.dns.server.routing.Pipeline;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;

/**
 * Turns a parsed Corefile into a {@link ServerConfiguration}: finds each directive's factory,
 * lets it parse its block, orders the plugins as the catalog says. Creates plugins but starts
 * nothing, so {@code corvus check} and a reload can validate off to the side.
 */
public final class ConfigurationBuilder {

  private final PluginCatalog catalog;
  private final RuntimeServices services;

  /**
   * @param catalog the known directives
   * @param services what plugins receive from the server
   */
  public ConfigurationBuilder(PluginCatalog catalog, RuntimeServices services) {
    this.catalog = catalog;
    this.services = services;
  }

  /**
   * Builds every block of {@code corefile}.
   *
   * @param baseDirectory where relative paths in the Corefile resolve
   * @throws ConfigException for the first error found, with file and line
   */
  public ServerConfiguration build(Corefile corefile, Path baseDirectory) throws ConfigException {
    return build(corefile, baseDirectory, null);
  }

  /**
   * What {@link #check} found: the configuration when every directive is valid, else every error.
   *
   * @param configuration present exactly when {@code errors} is empty
   * @param errors every error found, in Corefile order
   */
  public record Checked(Optional<ServerConfiguration> configuration, List<ConfigException> errors) {}

  /**
   * Validates every directive of every block without stopping at the first error, for {@code
   * corvus check} and {@code corvus doctor}; when it finds none, the configuration it built comes
   * with the result, so a caller that needs it does not build every plugin a second time.
   */
  public Checked check(Corefile corefile, Path baseDirectory) {
    List<ConfigException> errors = new ArrayList<>();
    ServerConfiguration configuration = null;
    try {
      configuration = build(corefile, baseDirectory, errors);
    } catch (ConfigException e) {
      errors.add(e);
    }
    return new Checked(errors.isEmpty() ? Optional.of(configuration) : Optional.empty(), List.copyOf(errors));
  }

  private ServerConfiguration build(Corefile corefile, Path baseDirectory, List<ConfigException> errors)
      throws ConfigException {
    GenerationServices generation = new GenerationServices();
    ServerControl control = generationControl(corefile);
    Readiness readiness = generation.readiness(services.shuttingDown());
    ResolverSlot resolver = new ResolverSlot();
    List<BlockPlan> blocks = new ArrayList<>();
    for (int i = 0; i < corefile.blocks().size(); i++) {
      ServerBlock block = corefile.blocks().get(i);
      List<ResponseObserver> observers = new CopyOnWriteArrayList<>();
      PluginContext context = new BlockPluginContext(services.metrics(), readiness,
          generation.services(i), resolver, services.http(), generation.inspectors(), observers, control,
          services.scheduler(), services.clock(), serverLabel(block));
      blocks.add(buildBlock(block, baseDirectory, context, observers, errors));
    }
    return new ServerConfiguration(corefile, List.copyOf(blocks), readiness, resolver, generation);
  }

  private BlockPlan buildBlock(ServerBlock block, Path baseDirectory, PluginContext context,
      List<ResponseObserver> observers, List<ConfigException> errors) throws ConfigException {
    List<Name> zones = block.keys().stream().map(ServerKey::zone).distinct().toList();
    List<ConfiguredPlugin> plugins = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Directive directive : block.directives()) {
      try {
        plugins.add(create(directive, zones, baseDirectory, context, seen));
      } catch (ConfigException e) {
        if (errors == null) {
          throw e;
        }
        errors.add(e);
      }
    }
    plugins.sort(Comparator.comparingInt(p -> catalog.order().rank(p.directive())));
    List<Pipeline.Step> steps = new ArrayList<>();
    List<InetAddress> bind = new ArrayList<>();
    TlsSettings tls = null;
    for (ConfiguredPlugin configured : plugins) {
      configured.plugin().handler()
          .ifPresent(h -> steps.add(new Pipeline.Step(configured.directive(), h)));
      if (configured.plugin() instanceof BindAddresses addresses) {
        bind.addAll(addresses.addresses());
      } else if (configured.plugin() instanceof TlsSettings settings) {
        tls = settings;
      }
    }
    // The block's bind addresses (empty without bind), for plugins that name this server in answers
    // as CoreDNS does with its bound IPs (kubernetes' apex NS); a JDK type, as dns-api has none.
    context.services().export(InetAddress[].class, bind.toArray(new InetAddress[0]));
    for (ServerKey key : block.keys()) {
      if (key.scheme() == Scheme.TLS && tls == null) {
        throw new ConfigException(key.location(), null,
            key.label() + " serves DNS over TLS and needs a 'tls CERT KEY' directive");
      }
      if (key.scheme() != Scheme.DNS && key.scheme() != Scheme.TLS) {
        throw new ConfigException(key.location(), null,
            "scheme " + key.scheme().prefix() + ":// is not supported; use dns:// or tls://");
      }
    }
    return new BlockPlan(block, List.copyOf(plugins), new Pipeline(steps, observers), List.copyOf(bind), tls);
  }

  private ConfiguredPlugin create(Directive directive, List<Name> zones, Path baseDirectory,
      PluginContext context, Set<String> seen) throws ConfigException {
    String name = directive.name().text();
    LoadedFactory loaded = catalog.factory(name).orElseThrow(() -> unknownDirective(directive));
    if (!seen.add(name) && !loaded.factory().repeatable()) {
      throw new ConfigException(directive.location(), name, "may appear only once in a server block");
    }
    DirectiveReader reader = new DirectiveReader(directive, zones, baseDirectory);
    Plugin plugin;
    try {
      plugin = loaded.factory().create(reader, context);
    } catch (ConfigException e) {
      throw e;
    } catch (RuntimeException | LinkageError e) {
      throw new ConfigException(directive.location(), name,
          "the plugin from " + loaded.origin() + " failed to read its configuration: " + e);
    }
    reader.finish();
    return new ConfiguredPlugin(name, plugin, loaded, directive.location());
  }

  /** The server control a configuration's plugins see: its own source, the runtime's reload. */
  private ServerControl generationControl(Corefile corefile) {
    ServerControl.ConfigSource source =
        new ServerControl.ConfigSource(corefile.files(), corefile.sha512());
    return new ServerControl() {
      @Override
      public ConfigSource configSource() {
        return source;
      }

      @Override
      public java.util.concurrent.CompletionStage<Void> reload() {
        return services.control().reload();
      }

      @Override
      public ConfigStatus status() {
        return services.control().status();
      }

      @Override
      public List<Inspector> inspectors() {
        return services.control().inspectors();
      }

      @Override
      public java.util.concurrent.CompletionStage<Explanation> explain(Message query, InetSocketAddress client) {
        return services.control().explain(query, client);
      }
    };
  }

  private ConfigException unknownDirective(Directive directive) {
    String name = directive.name().text();
    String suggestion = Suggestions.closest(name, catalog.directives());
    return new ConfigException(directive.location(), null, "unknown directive '" + name + "'"
        + (suggestion == null ? "" : "; did you mean '" + suggestion + "'?"));
  }

  /** CoreDNS's {@code server} label of a block: its first key's scheme, bind address and port. */
  static String serverLabel(ServerBlock block) {
    ServerKey first = block.keys().get(0);
    return first.scheme().prefix() + "://:" + first.port();
  }
}
