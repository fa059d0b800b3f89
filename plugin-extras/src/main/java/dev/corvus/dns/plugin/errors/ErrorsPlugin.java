package dev.corvus.dns.plugin.errors;

import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.plugin.debug.DebugMode;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.slf4j.LoggerFactory;

/** The {@code errors} plugin: its handler and the flush of pending consolidated lines at stop. */
final class ErrorsPlugin implements Plugin {

  private final PluginContext context;
  private final ErrorsHandler handler;

  ErrorsPlugin(ErrorsConfig config, PluginContext context) {
    this(config, context, ErrorLog.slf4j(LoggerFactory.getLogger("dev.corvus.dns.plugin.errors")));
  }

  ErrorsPlugin(ErrorsConfig config, PluginContext context, ErrorLog log) {
    this.context = context;
    this.handler = new ErrorsHandler(config, context.scheduler(), log);
  }

  @Override
  public Optional<Handler> handler() {
    return Optional.of(handler);
  }

  @Override
  public CompletionStage<Void> start() {
    // debug exports its marker while the configuration is created; it is visible from start on.
    if (context.services().lookup(DebugMode.class).isPresent()) {
      handler.logStackTraces();
    }
    return STARTED;
  }

  @Override
  public void stop() {
    handler.stop();
  }
}
