package dev.corvus.dns.server.transport;

import dev.corvus.dns.api.Transport;
import dev.corvus.dns.api.io.IoLoop;
import dev.corvus.dns.api.listener.QueryService.ResponseSink;
import dev.corvus.dns.server.io.NettyIoLoops;
import dev.corvus.dns.server.proxyproto.ProxyCounters;
import dev.corvus.dns.server.proxyproto.ProxyHeader;
import dev.corvus.dns.server.proxyproto.ProxyPolicy;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.DatagramPacket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * DNS over UDP on one address. With epoll, one socket per event loop thread shares the port
 * (SO_REUSEPORT), so the kernel spreads datagrams over the cores.
 *
 * <p>On a wildcard bind, an answer must leave from the address its query was sent to, or the
 * client drops it ({@code dig}: "reply from unexpected source"); the kernel would pick the source
 * by route (127.0.0.1 for a query to 127.0.0.2). CoreDNS sets the source per datagram with
 * IP_PKTINFO; Netty's epoll transport reads a datagram's destination (IP_RECVORIGDSTADDR) but
 * cannot set a source when it sends. So, with epoll, the first IPv4 query to a destination
 * address binds sockets to that address and port (SO_REUSEPORT, as many as for the wildcard),
 * and its answer leaves from them; the kernel delivers the later queries to that address to
 * those sockets, which prefer an exact address to the wildcard, and answers leave from there.
 */
final class UdpListener implements AutoCloseable {

  /** Datagrams read per wake-up at most: Netty's default for datagram channels. */
  private static final int READ_BATCH = 16;
  /**
   * The longest query read over UDP; a longer datagram is cut there and answered FORMERR. Queries
   * are a few hundred bytes (CoreDNS reads 512).
   */
  static final int MAX_QUERY = 4096;
  /**
   * Datagrams read by one recvmmsg call (epoll). Their buffer, 16 KiB, is a size class of Netty's
   * pool: a 64 KiB buffer is not, and each read allocated and zeroed a new one (15 % of the CPU of
   * a cache-hit benchmark).
   */
  private static final int DATAGRAMS_PER_CALL = 4;

  /**
   * Destination addresses given sockets of their own at most; beyond, answers leave from the
   * wildcard socket as the kernel chooses (a local process could send to every address of
   * 127/8).
   */
  static final int MAX_DESTINATIONS = 64;

  private final List<Channel> channels = new CopyOnWriteArrayList<>();
  private final InetSocketAddress boundAddress;
  private final Bootstrap bootstrap;
  private final int socketsPerAddress;
  /** The first socket bound to each destination seen on the wildcard socket; see the class comment. */
  private final Map<InetAddress, ChannelFuture> destinations = new ConcurrentHashMap<>();
  private volatile boolean stopped;
  private volatile boolean closed;

  UdpListener(Transports transports, EventLoopGroup group, NettyIoLoops loops, int sockets,
      InetSocketAddress address, QueryExecutor executor, Supplier<RouteTable> routes) {
    ProxyCounters proxyRefused = ProxyCounters.of(executor.metrics(), "udp");
    // One handler per socket: it remembers whether that socket has answers written but not flushed.
    ChannelHandler handler = new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel channel) {
        channel.pipeline().addLast(new QueryHandler(executor, routes, loops, proxyRefused, UdpListener.this));
      }
    };
    bootstrap = new Bootstrap()
        .group(group)
        .channel(transports.datagramChannel())
        .option(ChannelOption.SO_RCVBUF, 4 * 1024 * 1024)
        .option(ChannelOption.SO_SNDBUF, 4 * 1024 * 1024)
        // Read up to 16 datagrams per wake-up (the allocator alone reads one: its default limit is
        // 1 and a datagram never fills the buffer), so that the answers to a batch are flushed
        // together (one sendmmsg) when it ends.
        .option(ChannelOption.RECVBUF_ALLOCATOR,
            // epoll: several datagrams of at most MAX_QUERY bytes per recvmmsg call; NIO reads one.
            new FixedRecvByteBufAllocator(transports.epoll() ? MAX_QUERY * DATAGRAMS_PER_CALL : MAX_QUERY)
                .respectMaybeMoreData(false)
                .maxMessagesPerRead(READ_BATCH))
        .handler(handler);
    int count = transports.reusePort() ? sockets : 1;
    socketsPerAddress = count;
    if (transports.reusePort()) {
      bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
    }
    if (transports.epoll()) {
      bootstrap.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_QUERY);
      if (address.getAddress().isAnyLocalAddress()) {
        // On a wildcard bind the kernel reports each IPv4 datagram's destination (IP_ORIGDSTADDR),
        // which Netty gives as the packet's recipient: the server address a query was sent to, as
        // CoreDNS reports it (server_ip()). Netty does not ask for IPv6 destinations; those
        // datagrams' recipient is the bound address.
        bootstrap.option(EpollChannelOption.IP_RECVORIGDSTADDR, true);
      }
    }
    Channel first = bootstrap.bind(address).syncUninterruptibly().channel();
    channels.add(first);
    boundAddress = (InetSocketAddress) first.localAddress();
    InetSocketAddress same = new InetSocketAddress(address.getAddress(), boundAddress.getPort());
    try {
      for (int i = 1; i < count; i++) {
        channels.add(bootstrap.bind(same).syncUninterruptibly().channel());
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  InetSocketAddress boundAddress() {
    return boundAddress;
  }

  /**
   * The socket bound to {@code destination} on this listener's port, bound now if it has none:
   * where the answer to a query sent there leaves from. {@code null} when answers leave from the
   * socket that read the query: not a wildcard bind on epoll, an IPv6 or wildcard destination,
   * too many destinations, or the listener closing.
   */
  ChannelFuture socketFor(InetAddress destination) {
    ChannelFuture bound = destinations.get(destination);
    if (bound != null || closed || !(destination instanceof Inet4Address) || destination.isAnyLocalAddress()
        || destinations.size() >= MAX_DESTINATIONS) {
      return bound;
    }
    return destinations.computeIfAbsent(destination, address -> {
      InetSocketAddress local = new InetSocketAddress(address, boundAddress.getPort());
      ChannelFuture first = bootstrap.clone().bind(local);
      first.addListener((ChannelFuture f) -> {
        if (f.isSuccess()) {
          adopt(f.channel());
          for (int i = 1; i < socketsPerAddress; i++) {
            bootstrap.clone().bind(local).addListener((ChannelFuture more) -> {
              if (more.isSuccess()) {
                adopt(more.channel());
              }
            });
          }
        }
      });
      return first;
    });
  }

  /** Keeps a destination's socket with the others: it stops reading and closes with them. */
  private void adopt(Channel channel) {
    channels.add(channel);
    if (stopped) {
      channel.config().setAutoRead(false);
    }
    if (closed) {
      channel.close(); // bound while the listener closed; never waited for on an I/O thread
    }
  }

  /** Stops reading queries; the sockets stay open to send the answers still in flight. */
  void stopReading() {
    stopped = true;
    for (Channel channel : channels) {
      channel.config().setAutoRead(false);
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Channel channel : channels) {
      channel.close().syncUninterruptibly();
    }
  }

  /**
   * Answers the queries of one socket. Answers are written without a flush and flushed together,
   * so that the epoll transport sends them with one sendmmsg call instead of one sendmsg each:
   * those produced while a read batch is being handled when the batch ends, those that complete
   * later on the event loop (after an upstream exchange, whose answers also arrive in batches) by
   * one flush queued on the loop, which runs once it has handled the sockets that were ready.
   * Answers completed on another thread are flushed at once.
   */
  private static final class QueryHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private final QueryExecutor executor;
    private final Supplier<RouteTable> routes;
    private final NettyIoLoops loops;
    private final ProxyCounters proxyRefused;
    private final UdpListener listener;
    /** Whether this socket is bound to the wildcard address with the datagrams' destinations known. */
    private boolean wildcard;
    /** udp_session_tracking's sessions of this socket; only used on its event loop. */
    private final UdpSessions sessions = new UdpSessions();
    private Channel channel;
    private IoLoop loop;
    /** Whether the event loop is inside {@link #channelRead0}; only read and written on it. */
    private boolean reading;
    /** Whether answers were written since the last flush; only read and written on the event loop. */
    private boolean unflushed;
    /** Whether a flush is queued on the event loop; only read and written on it. */
    private boolean flushQueued;

    QueryHandler(QueryExecutor executor, Supplier<RouteTable> routes, NettyIoLoops loops, ProxyCounters proxyRefused,
        UdpListener listener) {
      this.listener = listener;
      this.executor = executor;
      this.proxyRefused = proxyRefused;
      this.routes = routes;
      this.loops = loops;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      channel = ctx.channel();
      loop = loops.of(channel.eventLoop());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      // Known once bound: the sockets of a destination address are not the wildcard's.
      wildcard = ((InetSocketAddress) channel.localAddress()).getAddress().isAnyLocalAddress();
      super.channelActive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      ByteBuf content = packet.content();
      // The receive buffer's own NIO view, positioned on this datagram: the executor reads it
      // during the call, so no view of its own per query.
      ByteBuffer wire = content.nioBufferCount() == 1
          ? content.internalNioBuffer(content.readerIndex(), content.readableBytes())
          : content.nioBuffer();
      InetSocketAddress sender = packet.sender();
      InetSocketAddress client = sender;
      ProxyPolicy proxy = routes.get().proxy();
      if (proxy != null) {
        ProxyPolicy.Action action = proxy.actionFor(sender.getAddress());
        if (action != ProxyPolicy.Action.SKIP) {
          ProxyHeader.Parse parsed = ProxyHeader.parse(wire);
          boolean tracking = action == ProxyPolicy.Action.USE && !proxy.udpSessionTtl().isZero();
          switch (parsed.kind()) {
            case ABSENT -> {
              if (tracking) {
                InetSocketAddress remembered = sessions.client(sender, System.nanoTime(), proxy.udpSessionTtl().toNanos());
                if (remembered != null) {
                  client = remembered;
                }
              }
            }
            case HEADER -> {
              ProxyHeader header = parsed.header();
              if (action == ProxyPolicy.Action.REJECT) {
                proxyRefused.rejected().inc();
                return;
              }
              // As CoreDNS over UDP: v2 only, naming a UDP client. A LOCAL header (a balancer's own
              // health check, as dnsdist sends) names none: the peer is the client (CoreDNS drops it).
              boolean local = header.source() == null;
              if (tracking && header.version() == 2 && header.datagram() && !local) {
                sessions.remember(sender, header.source(), System.nanoTime(), proxy.udpSessionTtl().toNanos(),
                    proxy.udpMaxSessions());
                if (header.length() == wire.remaining()) {
                  return; // a header alone opens the session; its queries follow without one
                }
              }
              if (header.version() != 2 || !(header.datagram() || local) || header.length() == wire.remaining()) {
                proxyRefused.invalid().inc();
                return;
              }
              wire.position(wire.position() + header.length());
              if (action == ProxyPolicy.Action.USE && header.source() != null) {
                client = header.source();
              }
            }
            default -> {
              proxyRefused.invalid().inc();
              return;
            }
          }
        }
      }
      InetSocketAddress from = client;
      reading = true;
      try {
        // The datagram's destination (epoll on a wildcard bind), else the socket's bound address.
        InetSocketAddress local = packet.recipient() != null ? packet.recipient() : (InetSocketAddress) channel.localAddress();
        ChannelFuture via = wildcard && packet.recipient() != null ? listener.socketFor(local.getAddress()) : null;
        executor.execute(wire, from, local, Transport.UDP, loop, routes, new ResponseSink() {
          @Override
          public void respond(byte[] answer) {
            if (via == null) {
              send(answer, sender);
            } else if (via.isDone()) {
              sendVia(via, answer, sender);
            } else {
              via.addListener((ChannelFuture bound) -> sendVia(bound, answer, sender));
            }
          }

          @Override
          public void drop() {
            // A UDP client that gets nothing retries or gives up.
          }
        });
      } finally {
        reading = false;
      }
    }

    /** Sends from the socket of the query's destination address; from this one if it could not be bound. */
    private void sendVia(ChannelFuture bound, byte[] answer, InetSocketAddress recipient) {
      if (!bound.isSuccess() || !bound.channel().isActive()) {
        if (channel.eventLoop().inEventLoop()) {
          send(answer, recipient);
        } else {
          channel.eventLoop().execute(() -> send(answer, recipient));
        }
        return;
      }
      Channel out = bound.channel();
      out.writeAndFlush(new DatagramPacket(out.alloc().directBuffer(answer.length).writeBytes(answer), recipient),
          out.voidPromise());
    }

    private void send(byte[] answer, InetSocketAddress recipient) {
      // Straight into a pooled direct buffer: the transport would copy a heap buffer into one.
      ByteBuf out = channel.alloc().directBuffer(answer.length).writeBytes(answer);
      DatagramPacket packet = new DatagramPacket(out, recipient);
      if (!channel.eventLoop().inEventLoop()) {
        channel.writeAndFlush(packet, channel.voidPromise());
        return;
      }
      channel.write(packet, channel.voidPromise());
      if (reading) {
        unflushed = true;
      } else if (!flushQueued) {
        flushQueued = true;
        channel.eventLoop().execute(this::flushNow);
      }
    }

    private void flushNow() {
      flushQueued = false;
      channel.flush();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (unflushed) {
        unflushed = false;
        ctx.channel().flush();
      }
      ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      unflushed = false;
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // A UDP socket error (e.g. ICMP port unreachable reported on Linux) must not close it.
    }
  }
}
