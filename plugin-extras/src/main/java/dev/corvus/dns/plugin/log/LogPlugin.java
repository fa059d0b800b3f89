package dev.corvus.dns.plugin.log;

import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.plugin.Plugin;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** One {@code log} directive: its handler, and the writer thread its lines go through. */
final class LogPlugin implements Plugin {

  private final LogHandler handler;
  private final AsyncLogSink sink;

  LogPlugin(LogHandler handler, AsyncLogSink sink) {
    this.handler = handler;
    this.sink = sink;
  }

  @Override
  public Optional<Handler> handler() {
    return Optional.of(handler);
  }

  @Override
  public CompletionStage<Void> start() {
    sink.start();
    return STARTED;
  }

  /** Writes the lines still queued (the configuration's queries are done by now), then ends the thread. */
  @Override
  public void stop() {
    sink.close();
  }
}
