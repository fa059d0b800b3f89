package dev.corvus.dns.server.config;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.corefile.Corefile;
import dev.corvus.dns.server.lifecycle.CorefileSource;
import dev.corvus.dns.server.plugin.PluginCatalog;
import dev.corvus.dns.server.plugin.PluginLoadingException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Validates a Corefile as {@code corvus check} does: every directive of every block created by
 * its factory, nothing started, nothing bound; every error found, not just the first.
 */
public final class CorefileCheck {

  private CorefileCheck() {}

  /**
   * What a check found.
   *
   * @param serverBlocks the number of server blocks, when the Corefile parsed
   * @param errors every error, each a line as {@code corvus check} prints it ({@code
   *     file:line: directive: message}); empty when the Corefile is valid
   * @param refusedPlugins a line per plugins-directory entry that could not be loaded
   */
  public record Result(int serverBlocks, List<String> errors, List<String> refusedPlugins) {
    /** Copies the lists. */
    public Result {
      errors = List.copyOf(errors);
      refusedPlugins = List.copyOf(refusedPlugins);
    }

    /** Whether the Corefile is valid. */
    public boolean valid() {
      return errors.isEmpty();
    }
  }

  /**
   * Checks {@code corefile} with the directives of the class path and {@code pluginDirectory}.
   *
   * @param pluginDirectory the plugins directory, or {@code null}
   * @param environment the variables {@code {$NAME}} substitutes
   * @param dnsPort the port of keys that name none
   * @throws IOException when the Corefile (or a file it imports) cannot be read
   */
  public static Result check(Path corefile, Path pluginDirectory, Map<String, String> environment, int dnsPort)
      throws IOException {
    PluginCatalog catalog;
    try {
      catalog = PluginCatalog.load(pluginDirectory);
    } catch (PluginLoadingException e) {
      return new Result(0, List.of(e.getMessage()), List.of());
    }
    CorefileSource source = CorefileSource.ofFile(corefile);
    Corefile parsed;
    try {
      parsed = source.parse(environment, dnsPort);
    } catch (ConfigException e) {
      return new Result(0, List.of(e.getMessage()), catalog.refused());
    }
    ScheduledExecutorService idle = Executors.newSingleThreadScheduledExecutor();
    try {
      List<String> errors = new ArrayList<>();
      new ConfigurationBuilder(catalog, OfflineServices.create(idle)).check(parsed, source.baseDirectory())
          .errors().forEach(e -> errors.add(e.getMessage()));
      return new Result(parsed.blocks().size(), errors, catalog.refused());
    } finally {
      idle.shutdownNow();
    }
  }
}
