package dev.corvus.dns.server.plugin;

import dev.corvus.dns.api.listener.ListenerFactory;
import dev.corvus.dns.api.plugin.PluginFactory;
import dev.corvus.dns.server.corefile.Scheme;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every directive and listener kind the server knows: the factories on its own class path, those
 * an embedding application registered, and those of each entry of the plugins directory (a jar,
 * or a folder of jars holding a plugin and its dependencies), each entry in its own {@link
 * PluginClassLoader}.
 */
public final class PluginCatalog {

  private static final Logger LOG = LoggerFactory.getLogger(PluginCatalog.class);

  /** The manifest attribute naming the dns-api major version a plugin was built against. */
  public static final String API_VERSION_ATTRIBUTE = "Corvus-Api-Version";

  /** The capabilities the server can grant (see {@link PluginFactory#capabilities()}). */
  public static final java.util.Set<Class<?>> GRANTABLE =
      java.util.Set.of(dev.corvus.dns.api.capability.ServerControl.class);

  /** The folder of a plugin folder that holds only its libraries. */
  static final String LIBRARY_FOLDER = "lib";

  private static final PluginOrigin REGISTERED = new PluginOrigin("registered by the embedding application", "n/a");

  private final Map<String, LoadedFactory> factories;
  private final Map<Scheme, LoadedListener> listeners;
  private final DirectiveOrder order;
  private final List<String> refused;

  private PluginCatalog(Map<String, LoadedFactory> factories, Map<Scheme, LoadedListener> listeners,
      DirectiveOrder order, List<String> refused) {
    this.factories = factories;
    this.listeners = listeners;
    this.order = order;
    this.refused = List.copyOf(refused);
  }

  /**
   * A listener factory and where it came from.
   *
   * @param factory the factory
   * @param origin its jar
   */
  public record LoadedListener(ListenerFactory factory, PluginOrigin origin) {}

  /**
   * Loads the factories of the server's class path and of {@code pluginDirectory}.
   *
   * @param pluginDirectory the plugins directory, or {@code null} for none
   * @throws PluginLoadingException when two factories claim one directive or placements conflict
   */
  public static PluginCatalog load(Path pluginDirectory) throws PluginLoadingException {
    return load(pluginDirectory, List.of());
  }

  /**
   * Loads the factories of the server's class path, {@code registered} (instances an embedding
   * application or a test passes in), and those of {@code pluginDirectory}.
   *
   * @param pluginDirectory the plugins directory, or {@code null} for none
   * @throws PluginLoadingException when two factories claim one directive or one scheme, a
   *     factory declares a capability the server does not grant, or placements conflict
   */
  public static PluginCatalog load(Path pluginDirectory, List<PluginFactory> registered)
      throws PluginLoadingException {
    ClassLoader serverLoader = PluginCatalog.class.getClassLoader();
    Map<String, LoadedFactory> factories = new LinkedHashMap<>();
    Map<Scheme, LoadedListener> listeners = new LinkedHashMap<>();
    List<String> refused = new ArrayList<>();
    for (PluginFactory factory : ServiceLoader.load(PluginFactory.class, serverLoader)) {
      add(factories, new LoadedFactory(factory, originOf(factory.getClass())));
    }
    for (ListenerFactory factory : ServiceLoader.load(ListenerFactory.class, serverLoader)) {
      addListener(listeners, new LoadedListener(factory, originOf(factory.getClass())));
    }
    for (PluginFactory factory : registered) {
      add(factories, new LoadedFactory(factory, REGISTERED));
    }
    if (pluginDirectory != null && Files.isDirectory(pluginDirectory)) {
      for (Path entry : entries(pluginDirectory)) {
        loadEntry(entry, serverLoader, factories, listeners, refused);
      }
    }
    return new PluginCatalog(factories, listeners, DirectiveOrder.of(factories.values()), refused);
  }

  private static void loadEntry(Path entry, ClassLoader serverLoader, Map<String, LoadedFactory> factories,
      Map<Scheme, LoadedListener> listeners, List<String> refused) throws PluginLoadingException {
    List<Path> candidates = candidateJars(entry);
    if (candidates.isEmpty()) {
      refuse(refused, entry, "no jar files in it");
      return;
    }
    Registrations registrations = Registrations.of(candidates);
    Path plugin = registrations.pluginJar().orElse(candidates.get(0));
    String version = implementationVersion(plugin);
    Optional<String> apiProblem = apiVersionProblem(plugin);
    if (apiProblem.isPresent()) {
      refuse(refused, entry, apiProblem.get());
      return;
    }
    // The registering jar first: finding the factories' classes opens no other jar.
    List<Path> jars = new ArrayList<>();
    jars.add(plugin);
    candidates.stream().filter(jar -> !jar.equals(plugin)).forEach(jars::add);
    jars.addAll(libraryJars(entry));
    PluginClassLoader loader = new PluginClassLoader(
        entry.getFileName().toString(), urls(jars), registrations.serviceFiles(), serverLoader);
    PluginOrigin origin = new PluginOrigin(entry.toString(), version);
    List<LoadedFactory> found = new ArrayList<>();
    List<LoadedListener> foundListeners = new ArrayList<>();
    try {
      for (PluginFactory factory : ServiceLoader.load(PluginFactory.class, loader)) {
        found.add(new LoadedFactory(factory, origin));
      }
      for (ListenerFactory factory : ServiceLoader.load(ListenerFactory.class, loader)) {
        foundListeners.add(new LoadedListener(factory, origin));
      }
    } catch (ServiceConfigurationError | LinkageError e) {
      refuse(refused, entry, "its plugin factory cannot be created: " + rootMessage(e));
      return;
    }
    if (found.isEmpty() && foundListeners.isEmpty()) {
      refuse(refused, entry, "it registers no " + PluginFactory.class.getName() + " or "
          + ListenerFactory.class.getName() + " in META-INF/services");
      return;
    }
    try {
      for (LoadedFactory loaded : found) {
        loaded.directive();
        loaded.factory().capabilities();
      }
      for (LoadedListener loaded : foundListeners) {
        loaded.factory().scheme();
      }
    } catch (RuntimeException | LinkageError e) {
      refuse(refused, entry, "its plugin factory fails: " + rootMessage(e));
      return;
    }
    for (LoadedFactory loaded : found) {
      add(factories, loaded);
    }
    for (LoadedListener loaded : foundListeners) {
      addListener(listeners, loaded);
    }
  }

  private static void refuse(List<String> refused, Path entry, String reason) {
    refused.add("plugin " + entry + " refused: " + reason);
  }

  private static void add(Map<String, LoadedFactory> factories, LoadedFactory loaded)
      throws PluginLoadingException {
    for (Class<?> capability : loaded.factory().capabilities()) {
      if (!GRANTABLE.contains(capability)) {
        throw new PluginLoadingException("directive '" + loaded.directive() + "' from " + loaded.origin()
            + " asks for capability " + capability.getName() + ", which this server does not grant");
      }
    }
    LoadedFactory previous = factories.putIfAbsent(loaded.directive(), loaded);
    if (previous != null) {
      throw new PluginLoadingException("directive '" + loaded.directive() + "' is claimed by both "
          + previous.origin() + " and " + loaded.origin());
    }
  }

  private static void addListener(Map<Scheme, LoadedListener> listeners, LoadedListener loaded)
      throws PluginLoadingException {
    String name = loaded.factory().scheme();
    Scheme scheme = Scheme.of(name);
    if (scheme == null || scheme.builtIn()) {
      throw new PluginLoadingException("listener factory for scheme '" + name + "' from " + loaded.origin()
          + ": the scheme must be one of https, https3, quic or grpc");
    }
    LoadedListener previous = listeners.putIfAbsent(scheme, loaded);
    if (previous != null) {
      throw new PluginLoadingException("scheme '" + name + "://' is claimed by both "
          + previous.origin() + " and " + loaded.origin());
    }
  }

  private static Optional<String> apiVersionProblem(Path plugin) {
    String wanted = serverApiMajor();
    String declared = manifestAttribute(plugin, API_VERSION_ATTRIBUTE);
    if (declared == null) {
      LOG.warn("plugin {} does not declare the dns-api version it was built against ({} in its"
          + " manifest); loading it anyway", plugin, API_VERSION_ATTRIBUTE);
      return Optional.empty();
    }
    if (wanted != null && !major(declared).equals(wanted)) {
      return Optional.of("built against dns-api " + declared + ", this server provides dns-api "
          + wanted + ".x");
    }
    return Optional.empty();
  }

  /** The major version of the dns-api the server runs, as the dns-api module records it. */
  public static String serverApiMajor() {
    try (var in = PluginFactory.class.getResourceAsStream("/dev/corvus/dns/api/api-version.properties")) {
      if (in == null) {
        return null;
      }
      java.util.Properties properties = new java.util.Properties();
      properties.load(in);
      String value = properties.getProperty("api.version");
      return value == null ? null : major(value);
    } catch (IOException e) {
      return null;
    }
  }

  private static String major(String version) {
    int dot = version.indexOf('.');
    return (dot < 0 ? version : version.substring(0, dot)).trim();
  }

  private static String implementationVersion(Path jar) {
    String version = manifestAttribute(jar, Attributes.Name.IMPLEMENTATION_VERSION.toString());
    return version == null ? "unknown" : version;
  }

  private static String manifestAttribute(Path jar, String attribute) {
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest manifest = file.getManifest();
      return manifest == null ? null : manifest.getMainAttributes().getValue(attribute);
    } catch (IOException e) {
      return null;
    }
  }

  private static PluginOrigin originOf(Class<?> type) {
    CodeSource source = type.getProtectionDomain().getCodeSource();
    String location = source == null ? "class path" : source.getLocation().getPath();
    Package pkg = type.getPackage();
    String version = pkg == null || pkg.getImplementationVersion() == null
        ? "unknown" : pkg.getImplementationVersion();
    return new PluginOrigin(location, version);
  }

  private static List<Path> entries(Path directory) {
    try (Stream<Path> list = Files.list(directory)) {
      return list.filter(p -> Files.isDirectory(p) || p.toString().endsWith(".jar"))
          .sorted(Comparator.comparing(Path::toString))
          .toList();
    } catch (IOException e) {
      LOG.error("cannot list plugin directory {}: {}", directory, e.getMessage());
      return List.of();
    }
  }

  /**
   * The jars of an entry that may register factories: the entry itself when it is a jar, else the
   * jars directly in its folder. A folder's {@code lib/} holds libraries only: they join the class
   * path without being opened at start, so a plugin that is installed but not used costs no more
   * than its own jar.
   */
  private static List<Path> candidateJars(Path entry) {
    return Files.isDirectory(entry) ? jarsIn(entry) : List.of(entry);
  }

  private static List<Path> libraryJars(Path entry) {
    Path lib = entry.resolve(LIBRARY_FOLDER);
    return Files.isDirectory(lib) ? jarsIn(lib) : List.of();
  }

  private static List<Path> jarsIn(Path folder) {
    try (Stream<Path> list = Files.list(folder)) {
      return list.filter(p -> p.toString().endsWith(".jar") && Files.isRegularFile(p)).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static URL[] urls(List<Path> jars) {
    URL[] urls = new URL[jars.size()];
    for (int i = 0; i < urls.length; i++) {
      try {
        urls[i] = jars.get(i).toUri().toURL();
      } catch (MalformedURLException e) {
        throw new IllegalArgumentException(e);
      }
    }
    return urls;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }

  /** The factory of {@code directive}, if any. */
  public Optional<LoadedFactory> factory(String directive) {
    return Optional.ofNullable(factories.get(directive));
  }

  /** Every factory, in chain order. */
  public List<LoadedFactory> inChainOrder() {
    return factories.values().stream()
        .sorted(Comparator.comparingInt((LoadedFactory f) -> order.rank(f.directive())))
        .toList();
  }

  /** The listener factory of {@code scheme}, if a plugin provides one. */
  public Optional<LoadedListener> listener(Scheme scheme) {
    return Optional.ofNullable(listeners.get(scheme));
  }

  /** Every listener factory, by scheme. */
  public Map<Scheme, LoadedListener> listeners() {
    return java.util.Collections.unmodifiableMap(listeners);
  }

  /** Every known directive name. */
  public Collection<String> directives() {
    return factories.keySet();
  }

  /** The chain order. */
  public DirectiveOrder order() {
    return order;
  }

  /** One line per plugins-directory entry that was refused. */
  public List<String> refused() {
    return refused;
  }
}
