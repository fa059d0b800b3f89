package dev.corvus.dns.testkit;

import dev.corvus.dns.api.io.DatagramConnection;
import dev.corvus.dns.api.io.DatagramHandler;
import dev.corvus.dns.api.io.IoLoop;
import dev.corvus.dns.api.io.StreamConnection;
import dev.corvus.dns.api.io.StreamHandler;
import dev.corvus.dns.api.io.StreamOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The loop of a request made by {@link Queries}: the calling thread, so {@link #execute} runs
 * tasks inline. It opens no sockets and has no timers; a handler that needs them takes the loops
 * of its {@link dev.corvus.dns.api.plugin.PluginContext#ioLoops()}, which {@link PluginTestKit}
 * backs with real ones.
 */
public final class InlineLoop implements IoLoop {

  /** The one instance: it has no state. */
  public static final InlineLoop INSTANCE = new InlineLoop();

  private InlineLoop() {}

  @Override
  public void execute(Runnable task) {
    task.run();
  }

  @Override
  public boolean inLoop() {
    return true;
  }

  @Override
  public Scheduled schedule(Runnable task, long delayNanos) {
    throw new UnsupportedOperationException("a request's inline loop has no timers; use the kit's ioLoops()");
  }

  @Override
  public DatagramConnection openDatagram(InetSocketAddress remote, Optional<InetAddress> local,
      DatagramHandler handler) {
    throw new UnsupportedOperationException("a request's inline loop opens no sockets; use the kit's ioLoops()");
  }

  @Override
  public StreamConnection connect(InetSocketAddress remote, Optional<InetAddress> local, StreamOptions options,
      StreamHandler handler) {
    throw new UnsupportedOperationException("a request's inline loop opens no sockets; use the kit's ioLoops()");
  }
}
