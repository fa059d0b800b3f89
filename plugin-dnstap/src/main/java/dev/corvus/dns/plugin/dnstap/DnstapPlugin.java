package dev.corvus.dns.plugin.dnstap;

import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.plugin.Plugin;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** One {@code dnstap} directive: its handler and the writer thread it starts and stops. */
final class DnstapPlugin implements Plugin {

  private final DnstapHandler handler;
  private final FrameStreamWriter writer;

  DnstapPlugin(DnstapHandler handler, FrameStreamWriter writer) {
    this.handler = handler;
    this.writer = writer;
  }

  @Override
  public Optional<Handler> handler() {
    return Optional.of(handler);
  }

  /** Starts connecting; as in CoreDNS a collector that is not there yet does not hold up serving. */
  @Override
  public CompletionStage<Void> start() {
    writer.start();
    return STARTED;
  }

  @Override
  public void stop() {
    writer.stop();
  }
}
