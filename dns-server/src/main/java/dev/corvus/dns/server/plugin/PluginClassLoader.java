package dev.corvus.dns.server.plugin;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The class loader of one plugin entry of the {@code plugins/} directory, as Trino isolates its
 * plugins: its parent is the platform class loader, so a plugin sees neither the server's Netty
 * nor its Caffeine and may bring its own versions; only the shared API packages are delegated to
 * the server's loader. The SPIs' service files are read from the jars that register factories
 * only, so finding a plugin's factories does not open every library jar of its folder.
 *
 * <p>The JDK's own classes come from the parent without searching the plugin's jars first: a
 * URLClassLoader opens each jar it searches and keeps it open, with its central directory on the
 * heap, so looking up {@code java.lang.Object} child-first opened every library jar of every
 * installed plugin when its factory was loaded: 125 jars of the five plugins the distribution
 * ships, none of them used by the kubeadm Corefile, 3.4 MiB of the live heap in ScaleIT.
 */
final class PluginClassLoader extends URLClassLoader {

  /** Packages a plugin shares with the server: the SPI and the types the SPI exposes. */
  static final List<String> SHARED_PACKAGES =
      List.of("dev.corvus.dns.api.", "org.xbill.DNS.", "org.slf4j.");

  /** The packages of the JDK's modules, which a plugin cannot replace. */
  private static final Set<String> JDK_PACKAGES = ModuleLayer.boot().modules().stream()
      .flatMap(module -> module.getPackages().stream())
      .collect(Collectors.toUnmodifiableSet());

  private final ClassLoader serverLoader;
  private final Map<String, List<URL>> serviceFiles;

  /**
   * @param serviceFiles for the SPIs' service file names, where the plugin registers factories
   */
  PluginClassLoader(String name, URL[] urls, Map<String, List<URL>> serviceFiles, ClassLoader serverLoader) {
    super(name, urls, ClassLoader.getPlatformClassLoader());
    this.serviceFiles = Map.copyOf(serviceFiles);
    this.serverLoader = serverLoader;
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (isShared(name)) {
      return serverLoader.loadClass(name);
    }
    if (isJdk(name)) {
      return getParent().loadClass(name);
    }
    synchronized (getClassLoadingLock(name)) {
      Class<?> loaded = findLoadedClass(name);
      if (loaded == null) {
        try {
          loaded = findClass(name);
        } catch (ClassNotFoundException notInPlugin) {
          loaded = getParent().loadClass(name);
        }
      }
      if (resolve) {
        resolveClass(loaded);
      }
      return loaded;
    }
  }

  @Override
  public URL getResource(String name) {
    URL own = findResource(name);
    return own != null ? own : super.getResource(name);
  }

  @Override
  public Enumeration<URL> getResources(String name) throws IOException {
    List<URL> registered = serviceFiles.get(name);
    if (registered != null) {
      return Collections.enumeration(registered);
    }
    // Only the plugin's own service files: a plugin must not pick up the server's factories.
    return findResources(name);
  }

  private static boolean isJdk(String className) {
    int lastDot = className.lastIndexOf('.');
    return lastDot > 0 && JDK_PACKAGES.contains(className.substring(0, lastDot));
  }

  private static boolean isShared(String className) {
    for (String prefix : SHARED_PACKAGES) {
      if (className.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
