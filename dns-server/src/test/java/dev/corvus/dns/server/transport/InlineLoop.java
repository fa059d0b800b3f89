package dev.corvus.dns.server.transport;

import dev.corvus.dns.api.io.DatagramConnection;
import dev.corvus.dns.api.io.DatagramHandler;
import dev.corvus.dns.api.io.IoLoop;
import dev.corvus.dns.api.io.StreamConnection;
import dev.corvus.dns.api.io.StreamHandler;
import dev.corvus.dns.api.io.StreamOptions;
import dev.corvus.dns.api.listener.QueryService.ResponseSink;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * An {@link IoLoop} for tests that call the {@link QueryExecutor} directly: the calling thread is
 * the loop, so tasks run inline; it opens no sockets.
 */
public final class InlineLoop implements IoLoop {

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
    throw new UnsupportedOperationException("an inline loop has no timers");
  }

  @Override
  public DatagramConnection openDatagram(InetSocketAddress remote, Optional<InetAddress> local,
      DatagramHandler handler) {
    throw new UnsupportedOperationException("an inline loop opens no sockets");
  }

  @Override
  public StreamConnection connect(InetSocketAddress remote, Optional<InetAddress> local, StreamOptions options,
      StreamHandler handler) {
    throw new UnsupportedOperationException("an inline loop opens no sockets");
  }

  /** A sink that adds every response to {@code sent} and ignores drops. */
  public static ResponseSink collectingInto(List<byte[]> sent) {
    return new ResponseSink() {
      @Override
      public void respond(byte[] wire) {
        sent.add(wire);
      }

      @Override
      public void drop() {}
    };
  }
}
