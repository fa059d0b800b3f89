package dev.corvus.dns.server.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.server.testplugins.PluginJars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class PluginDirectoryTest {

  private static final String GREETING = """
      package com.example.greet;

      import dev.corvus.dns.api.Responses;
      import dev.corvus.dns.api.config.ConfigException;
      import dev.corvus.dns.api.config.ConfigReader;
      import dev.corvus.dns.api.plugin.Placement;
      import dev.corvus.dns.api.plugin.Plugin;
      import dev.corvus.dns.api.plugin.PluginContext;
      import dev.corvus.dns.api.plugin.PluginFactory;
      import org.xbill.DNS.DClass;
      import org.xbill.DNS.TXTRecord;

      public final class GreetFactory implements PluginFactory {
        public String directive() { return "%s"; }
        public Placement placement() { return Placement.after("%s"); }
        public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
          String text = config.nextArg("TEXT");
          config.expectNoMoreArgs();
          return Plugin.of(chain -> Responses.completed(Responses.answer(chain.request(),
              new TXTRecord(chain.request().qname(), DClass.IN, 0, text + " from " + getClass().getClassLoader().getName()))));
        }
      }
      """;

  private static Path greetJar(Path dir, String jar, String directive, String anchor) throws Exception {
    return PluginJars.build(dir, jar, Map.of("com.example.greet.GreetFactory",
        GREETING.formatted(directive, anchor)), List.of("com.example.greet.GreetFactory"), Map.of());
  }

  @Test
  void aPluginJarDroppedIntoThePluginsDirectoryServesItsDirective(@TempDir Path dir) throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.move(greetJar(dir, "greet", "greet", "records"), plugins.resolve("greet.jar"));
    PluginCatalog catalog = PluginCatalog.load(plugins);
    LoadedFactory greet = catalog.factory("greet").orElseThrow();
    assertEquals(catalog.order().rank("records") + 1, catalog.order().rank("greet"), "placed right after records");
    assertTrue(greet.origin().location().endsWith("greet.jar"));
    try (Corvus server = Corvus.builder().corefile(".:0 {\n greet hello\n}\n")
        .pluginDirectory(plugins).dnsPort(0).start()) {
      Message answer = new DnsClient(server.udpAddress()).udp("x.example.", Type.TXT);
      assertEquals("\"hello from greet.jar\"", answer.getSection(Section.ANSWER).get(0).rdataToString(),
          "served from the plugin's own class loader");
    }
  }

  /**
   * A plugin folder's lib/ holds its libraries: they are on its class path (the factory finds a
   * class in one), but they are never searched for factories — a server does not open every
   * library jar of every installed plugin to start.
   */
  @Test
  void aPluginFolderKeepsItsLibrariesInLibWhereNoFactoryIsLookedFor(@TempDir Path dir) throws Exception {
    Path folder = Files.createDirectories(dir.resolve("plugins/greet/lib"));
    Files.move(greetJar(dir, "greet", "greet", "records"), folder.resolveSibling("greet-1.0.jar"));
    Files.move(PluginJars.build(dir, "suffix", Map.of("com.example.lib.Hidden", """
        package com.example.lib;
        public class Hidden implements dev.corvus.dns.api.plugin.PluginFactory {
          public static final String SUFFIX = "and its library";
          public String directive() { return "hidden"; }
          public dev.corvus.dns.api.plugin.Plugin create(dev.corvus.dns.api.config.ConfigReader c,
              dev.corvus.dns.api.plugin.PluginContext x) { return null; }
        }
        """), List.of("com.example.lib.Hidden"), Map.of()), folder.resolve("suffix.jar"));
    PluginCatalog catalog = PluginCatalog.load(dir.resolve("plugins"));
    assertTrue(catalog.factory("greet").isPresent());
    assertTrue(catalog.factory("hidden").isEmpty(), "a factory registered in lib/ is not loaded");
    assertTrue(catalog.refused().isEmpty(), catalog.refused().toString());
    ClassLoader loader = catalog.factory("greet").orElseThrow().factory().getClass().getClassLoader();
    assertEquals("and its library",
        Class.forName("com.example.lib.Hidden", true, loader).getField("SUFFIX").get(null),
        "lib/'s jars are on the plugin's class path");
  }

  /**
   * An installed plugin that is not used keeps its library jars closed: loading its factory looks
   * up JDK classes, which come from the JDK without a search through the plugin's jars (a
   * URLClassLoader keeps every jar it searched open, its central directory on the heap). The
   * open files are the process's own, /proc/self/fd.
   */
  @Test
  void loadingAPluginsFactoryOpensNoneOfItsLibraryJars(@TempDir Path dir) throws Exception {
    Path folder = Files.createDirectories(dir.resolve("plugins/greet/lib"));
    Files.move(greetJar(dir, "greet", "greet", "records"), folder.resolveSibling("greet-1.0.jar"));
    Path library = Files.move(PluginJars.build(dir, "library", Map.of("com.example.lib.Library",
        "package com.example.lib; public class Library {}"), List.of(), Map.of()), folder.resolve("library.jar"));
    PluginCatalog catalog = PluginCatalog.load(dir.resolve("plugins"));
    try (Corvus server = Corvus.builder().corefile(".:0 {\n greet hello\n}\n")
        .pluginDirectory(dir.resolve("plugins")).dnsPort(0).start()) {
      Message answer = new DnsClient(server.udpAddress()).udp("x.example.", Type.TXT);
      assertEquals(1, answer.getSection(Section.ANSWER).size(), "the plugin serves");
      assertFalse(openFiles().contains(library.toRealPath()), "lib/library.jar stays closed");
    }
    ClassLoader loader = catalog.factory("greet").orElseThrow().factory().getClass().getClassLoader();
    Class.forName("com.example.lib.Library", false, loader);
    assertTrue(openFiles().contains(library.toRealPath()), "a class of the library opens it");
  }

  private static Set<Path> openFiles() throws IOException {
    Set<Path> open = new HashSet<>();
    try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
      for (Path descriptor : (Iterable<Path>) descriptors::iterator) {
        try {
          open.add(Files.readSymbolicLink(descriptor));
        } catch (IOException closedMeanwhile) {
          // the listing's own descriptor, or one closed since
        }
      }
    }
    return open;
  }

  @Test
  void twoJarsClaimingOneDirectiveAreAnErrorNamingBoth(@TempDir Path dir) throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.move(greetJar(dir, "one", "greet", "records"), plugins.resolve("one.jar"));
    Files.move(greetJar(dir, "two", "greet", "records"), plugins.resolve("two.jar"));
    PluginLoadingException error = assertThrows(PluginLoadingException.class, () -> PluginCatalog.load(plugins));
    assertTrue(error.getMessage().contains("one.jar") && error.getMessage().contains("two.jar"), error.getMessage());
  }

  @Test
  void anUnknownAnchorIsAnError(@TempDir Path dir) throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.move(greetJar(dir, "greet", "greet", "nosuchdirective"), plugins.resolve("greet.jar"));
    PluginLoadingException error = assertThrows(PluginLoadingException.class, () -> PluginCatalog.load(plugins));
    assertTrue(error.getMessage().contains("no directive 'nosuchdirective' exists"), error.getMessage());
  }

  @Test
  void jarsThatCannotServeAreRefusedWithOneLineEach(@TempDir Path dir) throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.move(PluginJars.build(dir, "empty", Map.of("com.example.Nothing",
        "package com.example; public class Nothing {}"), List.of(), Map.of()), plugins.resolve("empty.jar"));
    Files.move(PluginJars.build(dir, "newer", Map.of("com.example.Nothing",
        "package com.example; public class Nothing {}"), List.of("com.example.Nothing"),
        Map.of(PluginCatalog.API_VERSION_ATTRIBUTE, "99")), plugins.resolve("newer.jar"));
    Files.move(PluginJars.build(dir, "throws", Map.of("com.example.Boom", """
        package com.example;
        public class Boom implements dev.corvus.dns.api.plugin.PluginFactory {
          public Boom() { throw new IllegalStateException("boom"); }
          public String directive() { return "boom"; }
          public dev.corvus.dns.api.plugin.Plugin create(dev.corvus.dns.api.config.ConfigReader c,
              dev.corvus.dns.api.plugin.PluginContext x) { return null; }
        }
        """), List.of("com.example.Boom"), Map.of()), plugins.resolve("throws.jar"));
    PluginCatalog catalog = PluginCatalog.load(plugins);
    List<String> refused = catalog.refused();
    assertEquals(3, refused.size(), refused.toString());
    assertTrue(refused.get(0).contains("empty.jar") && refused.get(0).contains("registers no"), refused.get(0));
    assertTrue(refused.get(1).contains("newer.jar") && refused.get(1).contains("dns-api 99"), refused.get(1));
    assertTrue(refused.get(2).contains("throws.jar") && refused.get(2).contains("boom"), refused.get(2));
    refused.forEach(line -> assertTrue(!line.contains("\n"), "one line: " + line));
  }
}
