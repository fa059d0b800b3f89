package dev.corvus.dns.server.plugin;

import dev.corvus.dns.api.listener.ListenerFactory;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarFile;

/**
 * Where a plugins-directory entry registers its factories: the service files of the two SPIs in
 * the jars that may hold them, found by opening each of those jars once.
 *
 * @param pluginJar the first jar that registers a factory, if any
 * @param serviceFiles for each SPI's service file name, the URLs of that file in those jars
 */
record Registrations(Optional<Path> pluginJar, Map<String, List<URL>> serviceFiles) {

  /** The service file names of the SPIs a plugin registers factories for. */
  static final List<String> SERVICE_FILES = List.of(
      "META-INF/services/" + PluginFactory.class.getName(),
      "META-INF/services/" + ListenerFactory.class.getName());

  Registrations {
    serviceFiles = Map.copyOf(serviceFiles);
  }

  /** Reads the registrations of {@code jars}; an unreadable jar registers nothing. */
  static Registrations of(List<Path> jars) {
    Path first = null;
    Map<String, List<URL>> files = new LinkedHashMap<>();
    for (String name : SERVICE_FILES) {
      files.put(name, new ArrayList<>());
    }
    for (Path jar : jars) {
      try (JarFile file = new JarFile(jar.toFile())) {
        for (String name : SERVICE_FILES) {
          if (file.getEntry(name) != null) {
            files.get(name).add(entryUrl(jar, name));
            first = first == null ? jar : first;
          }
        }
      } catch (IOException e) {
        // reported when loading the factories fails or finds none
      }
    }
    files.replaceAll((name, urls) -> List.copyOf(urls));
    return new Registrations(Optional.ofNullable(first), files);
  }

  private static URL entryUrl(Path jar, String name) {
    try {
      return new URL("jar:" + jar.toUri() + "!/" + name);
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
