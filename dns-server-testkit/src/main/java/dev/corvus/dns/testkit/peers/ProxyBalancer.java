package dev.corvus.dns.testkit.peers;

import dev.corvus.dns.testkit.SocketPipe;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A load balancer on loopback that speaks the PROXY protocol: for each connection it connects to
 * the server, sends a header (built with {@link #v1} or {@link #v2}, or any bytes), then relays
 * bytes both ways, as HAProxy does in front of a listener with {@code proxyproto}.
 */
public final class ProxyBalancer implements AutoCloseable {
  private final ServerSocket listening;
  private final List<Socket> sockets = new ArrayList<>();

  /**
   * Listens on a free loopback port and relays each connection to {@code target}, {@code header}
   * first.
   */
  public ProxyBalancer(InetSocketAddress target, byte[] header) throws IOException {
    listening = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      try {
        while (true) {
          Socket client = listening.accept();
          Socket server = new Socket(target.getAddress(), target.getPort());
          synchronized (sockets) {
            sockets.add(client);
            sockets.add(server);
          }
          server.getOutputStream().write(header);
          SocketPipe.start(client, server, "balancer-pipe");
          SocketPipe.start(server, client, "balancer-pipe");
        }
      } catch (IOException e) {
        // closed
      }
    }, "balancer");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The loopback port clients connect to. */
  public int port() {
    return listening.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    listening.close();
    synchronized (sockets) {
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }

  /** A PROXY version 1 header naming {@code client}:{@code port} (TCP over IPv4) as the client. */
  public static byte[] v1(String client, int port) {
    return ("PROXY TCP4 " + client + " 127.0.0.1 " + port + " 443\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * A PROXY version 2 header naming {@code client}:{@code port} (TCP over IPv4) as the client of
   * {@code server}.
   */
  public static byte[] v2(String client, int port, InetSocketAddress server) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(16 + 12);
    header.put(new byte[] {0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a});
    header.put((byte) 0x21).put((byte) 0x11).putShort((short) 12);
    header.put(InetAddress.getByName(client).getAddress()).put(server.getAddress().getAddress());
    header.putShort((short) port).putShort((short) server.getPort());
    return header.array();
  }
}
