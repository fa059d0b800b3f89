package dev.corvus.dns.server.io;

import dev.corvus.dns.api.io.DatagramConnection;
import dev.corvus.dns.api.io.DatagramHandler;
import dev.corvus.dns.api.io.IoLoop;
import dev.corvus.dns.api.io.StreamConnection;
import dev.corvus.dns.api.io.StreamHandler;
import dev.corvus.dns.api.io.StreamOptions;
import dev.corvus.dns.server.transport.Transports;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** One Netty event loop of the server as plugins use it. */
public final class NettyIoLoop implements IoLoop {

  private final EventLoop loop;
  private final Transports transports;

  NettyIoLoop(EventLoop loop, Transports transports) {
    this.loop = loop;
    this.transports = transports;
  }

  /** The Netty loop. */
  EventLoop eventLoop() {
    return loop;
  }

  Transports transports() {
    return transports;
  }

  @Override
  public void execute(Runnable task) {
    loop.execute(task);
  }

  @Override
  public boolean inLoop() {
    return loop.inEventLoop();
  }

  @Override
  public Scheduled schedule(Runnable task, long delayNanos) {
    ScheduledFuture<?> future = loop.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }

  @Override
  public DatagramConnection openDatagram(InetSocketAddress remote, Optional<InetAddress> local,
      DatagramHandler handler) {
    return NettyDatagramConnection.open(this, remote, local, handler);
  }

  @Override
  public StreamConnection connect(InetSocketAddress remote, Optional<InetAddress> local, StreamOptions options,
      StreamHandler handler) {
    return NettyStreamConnection.open(this, remote, local, options, handler);
  }

  @Override
  public String toString() {
    return loop.toString();
  }
}
