package dev.corvus.dns.server.config;

import dev.corvus.dns.api.capability.Explanation;
import dev.corvus.dns.api.capability.ServerControl;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.metadata.MetadataProvider;
import dev.corvus.dns.api.plugin.Inspector;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.Readiness;
import dev.corvus.dns.api.plugin.ResponseObserver;
import dev.corvus.dns.api.plugin.ViewFilter;
import dev.corvus.dns.server.config.BindFactory.BindAddresses;
import dev.corvus.dns.server.config.MetadataFactory.MetadataPlugin;
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
import dev.corvus.dns.server.routing.BlockView;
import dev.corvus.dns.server.routing.Pipeline;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
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
  private final ScheduledExecutorService sharedScheduler;

  /**
   * @param catalog the known directives
   * @param services what plugins receive from the server
   */
  public ConfigurationBuilder(PluginCatalog catalog, RuntimeServices services) {
    this.catalog = catalog;
    this.services = services;
    this.sharedScheduler = new SharedScheduler(services.scheduler());
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
    StagedMetrics metrics = new StagedMetrics(services.metrics());
    Map<Class<?>, Object> offered = Map.of(ServerControl.class, generationControl(corefile));
    Readiness readiness = generation.readiness(services.shuttingDown());
    ResolverSlot resolver = new ResolverSlot();
    List<BlockPlan> blocks = new ArrayList<>();
    for (int i = 0; i < corefile.blocks().size(); i++) {
      ServerBlock block = corefile.blocks().get(i);
      List<ResponseObserver> observers = new CopyOnWriteArrayList<>();
      List<InetAddress> bind = new CopyOnWriteArrayList<>();
      int index = i;
      ContextFactory contexts = (directive, declared) -> new BlockPluginContext(metrics, readiness,
          generation.services(index), resolver, services.http(), generation.inspectors(), observers,
          sharedScheduler, services.clock(), services.ticker(), services.ioLoops(), serverLabel(block),
          bind, offered, declared, directive);
      blocks.add(buildBlock(block, baseDirectory, contexts, observers, bind, errors));
    }
    return new ServerConfiguration(corefile, List.copyOf(blocks), readiness, resolver, generation, metrics);
  }

  /** Makes the context of one directive, granted the capabilities its factory declared. */
  @FunctionalInterface
  private interface ContextFactory {
    PluginContext create(String directive, Set<Class<?>> declared);
  }

  private BlockPlan buildBlock(ServerBlock block, Path baseDirectory, ContextFactory contexts,
      List<ResponseObserver> observers, List<InetAddress> bind, List<ConfigException> errors)
      throws ConfigException {
    List<Name> zones = block.keys().stream().map(ServerKey::zone).distinct().toList();
    List<ConfiguredPlugin> plugins = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Path blockDirectory = rootDirectory(block, baseDirectory);
    for (Directive directive : block.directives()) {
      try {
        // root's own PATH resolves against the Corefile's directory, every other path against root
        Path base = directive.name().text().equals("root") ? baseDirectory : blockDirectory;
        plugins.add(create(directive, zones, base, contexts, seen));
      } catch (ConfigException e) {
        if (errors == null) {
          throw e;
        }
        errors.add(e);
      }
    }
    plugins.sort(Comparator.comparingInt(p -> catalog.order().rank(p.directive())));
    List<MetadataProvider> providers = new ArrayList<>();
    for (ConfiguredPlugin configured : plugins) {
      configured.plugin().metadata().ifPresent(providers::add);
    }
    MetadataPlugin metadataPlugin = null;
    List<ViewFilter> filters = new ArrayList<>();
    for (ConfiguredPlugin configured : plugins) {
      if (configured.plugin() instanceof MetadataPlugin metadata) {
        metadata.providers(providers);
        metadataPlugin = metadata;
      }
      configured.plugin().view().ifPresent(filters::add);
    }
    BlockView view = filters.isEmpty() ? null
        : new BlockView(filters, metadataPlugin == null ? null : metadataPlugin::collect);
    List<Pipeline.Step> steps = new ArrayList<>();
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
    for (ServerKey key : block.keys()) {
      checkScheme(key, tls != null);
    }
    return new BlockPlan(block, List.copyOf(plugins), new Pipeline(steps, observers), List.copyOf(bind), tls, view);
  }

  /**
   * The directory relative paths of a block resolve against: the block's {@code root PATH}
   * (CoreDNS's <i>root</i>, itself resolved against {@code baseDirectory}), else {@code
   * baseDirectory}. The root directive's factory checks its syntax.
   */
  private static Path rootDirectory(ServerBlock block, Path baseDirectory) {
    for (Directive directive : block.directives()) {
      if (directive.name().text().equals("root") && directive.args().size() == 1) {
        try {
          return baseDirectory.resolve(directive.args().get(0).text()).normalize();
        } catch (InvalidPathException e) {
          return baseDirectory;
        }
      }
    }
    return baseDirectory;
  }

  private void checkScheme(ServerKey key, boolean hasTls) throws ConfigException {
    Scheme scheme = key.scheme();
    boolean needsTls = scheme == Scheme.TLS;
    if (!scheme.builtIn()) {
      PluginCatalog.LoadedListener listener = catalog.listener(scheme).orElseThrow(() ->
          new ConfigException(key.location(), null, "scheme " + scheme.prefix()
              + ":// needs a listener plugin that provides it (a jar with a ListenerFactory for '"
              + scheme.prefix() + "' in the plugins directory); none is installed"));
      needsTls = listener.factory().requiresTls();
    }
    if (needsTls && !hasTls) {
      throw new ConfigException(key.location(), null,
          key.label() + " serves DNS over " + scheme.prefix() + " and needs a 'tls CERT KEY' directive");
    }
  }

  private ConfiguredPlugin create(Directive directive, List<Name> zones, Path baseDirectory,
      ContextFactory contexts, Set<String> seen) throws ConfigException {
    String name = directive.name().text();
    LoadedFactory loaded = catalog.factory(name).orElseThrow(() -> unknownDirective(directive));
    if (!seen.add(name) && !loaded.factory().repeatable()) {
      throw new ConfigException(directive.location(), name, "may appear only once in a server block");
    }
    DirectiveReader reader = new DirectiveReader(directive, zones, baseDirectory);
    Plugin plugin;
    try {
      plugin = loaded.factory().create(reader, contexts.create(name, loaded.factory().capabilities()));
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
        // The runtime's: it rereads the file this configuration came from.
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
