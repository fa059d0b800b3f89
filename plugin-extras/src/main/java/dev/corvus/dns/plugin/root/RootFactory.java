package dev.corvus.dns.plugin.root;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code root PATH}: the directory the other directives' relative paths in the server block
 * resolve against (CoreDNS's <i>root</i>). The server applies it while it reads the block; this
 * factory checks the syntax and warns when PATH does not exist yet.
 */
@AutoService(PluginFactory.class)
public final class RootFactory implements PluginFactory {

  @Override
  public String directive() {
    return "root";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    Path root = config.nextPath("PATH");
    config.expectNoMoreArgs();
    if (config.nextOption()) {
      throw config.unknownOption(List.of());
    }
    if (!Files.exists(root)) {
      // as CoreDNS: allowed, the directory may appear later
      config.warn("Root path does not exist: " + root);
    } else if (!Files.isDirectory(root)) {
      throw config.error("unable to access root path '" + root + "': not a directory");
    }
    return Plugin.none();
  }
}
