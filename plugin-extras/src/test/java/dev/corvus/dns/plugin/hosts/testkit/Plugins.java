package dev.corvus.dns.plugin.hosts.testkit;

import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.nio.file.Path;
import java.util.List;
import org.xbill.DNS.Name;

/** Creates plugins from directive text the way the server does, minus the server. */
public final class Plugins {

  private Plugins() {}

  /** Parses {@code text} with {@code factory} in a root server block and checks everything was read. */
  public static Plugin create(PluginFactory factory, String text, TestPluginContext context)
      throws ConfigException {
    return create(factory, text, List.of(Name.root), Path.of("."), context);
  }

  /** Parses {@code text} in a server block with {@code zones} and Corefile directory {@code base}. */
  public static Plugin create(
      PluginFactory factory, String text, List<Name> zones, Path base, TestPluginContext context)
      throws ConfigException {
    TestConfigReader reader = new TestConfigReader(text, zones, base);
    Plugin plugin = factory.create(reader, context);
    reader.expectFullyRead();
    return plugin;
  }

  /** The plugin's handler, failing when it has none. */
  public static Handler handler(Plugin plugin) {
    return plugin.handler().orElseThrow(() -> new AssertionError("plugin has no handler"));
  }
}
