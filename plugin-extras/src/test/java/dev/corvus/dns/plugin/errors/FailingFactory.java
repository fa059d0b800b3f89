package dev.corvus.dns.plugin.errors;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Placement;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.util.concurrent.CompletableFuture;

/** Test-only directive {@code test_fail MESSAGE}: fails every query with that message. */
public final class FailingFactory implements PluginFactory {

  @Override
  public String directive() {
    return "test_fail";
  }

  @Override
  public Placement placement() {
    return Placement.after("whoami");
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    String message = config.nextArg("MESSAGE");
    return Plugin.of(chain -> CompletableFuture.failedFuture(new IllegalStateException(message)));
  }
}
