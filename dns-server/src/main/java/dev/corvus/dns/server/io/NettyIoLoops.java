package dev.corvus.dns.server.io;

import dev.corvus.dns.api.config.TlsFiles;
import dev.corvus.dns.api.io.IoLoop;
import dev.corvus.dns.api.io.IoLoops;
import dev.corvus.dns.api.io.TlsClient;
import dev.corvus.dns.server.transport.Transports;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** {@link IoLoops} on the server's Netty event loop group: the loops that read queries. */
public final class NettyIoLoops implements IoLoops {

  private final Map<EventExecutor, NettyIoLoop> byExecutor = new IdentityHashMap<>();
  private final NettyIoLoop[] loops;
  private final AtomicInteger turn = new AtomicInteger();

  /**
   * @param transports the transport the group runs (the sockets opened here use the same)
   * @param group the server's I/O event loops
   */
  public NettyIoLoops(Transports transports, EventLoopGroup group) {
    List<NettyIoLoop> all = new ArrayList<>();
    for (EventExecutor executor : group) {
      NettyIoLoop loop = new NettyIoLoop((EventLoop) executor, transports);
      byExecutor.put(executor, loop);
      all.add(loop);
    }
    this.loops = all.toArray(NettyIoLoop[]::new);
  }

  /** The loop wrapping {@code eventLoop}, which must belong to this group. */
  public NettyIoLoop of(EventLoop eventLoop) {
    NettyIoLoop loop = byExecutor.get(eventLoop);
    if (loop == null) {
      throw new IllegalArgumentException(eventLoop + " is not one of the server's I/O loops");
    }
    return loop;
  }

  @Override
  public Optional<IoLoop> current() {
    return Optional.ofNullable(currentLoop());
  }

  @Override
  public IoLoop currentOrNext() {
    NettyIoLoop loop = currentLoop();
    return loop != null ? loop : next();
  }

  private NettyIoLoop currentLoop() {
    EventExecutor executor = ThreadExecutorMap.currentExecutor();
    return executor == null ? null : byExecutor.get(executor);
  }

  @Override
  public IoLoop next() {
    return loops[Math.floorMod(turn.getAndIncrement(), loops.length)];
  }

  @Override
  public TlsClient tlsClient(TlsFiles files, Optional<String> serverName) {
    return NettyTlsClient.build(files, serverName);
  }
}
