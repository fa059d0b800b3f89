package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.server.client.DnsClient;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream on 127.0.0.1 (UDP and TCP) that writes its answers byte by byte, in a form no DNS
 * library's encoder produces: the answer's owner name is spelled out in lower case instead of
 * compressed to point at the question. A client that receives that form got the upstream's bytes
 * relayed; one that receives a compression pointer got a message the server encoded again.
 *
 * <p>Every A query is answered with one A record, 192.0.2.1, TTL 60; the question is echoed as
 * sent. When the query has an OPT record the answer has one too, as {@link #opt} says.
 */
final class RawUpstream implements AutoCloseable {

  /** The OPT record of an answer to a query that has one. */
  enum Opt {
    /** Payload 4096, extended rcode 0, version 0, no flags, no options: just "EDNS0". */
    PLAIN,
    /** As {@link #PLAIN} with the DO bit echoed from the query. */
    ECHO_DO,
    /** With an NSID option (code 3) holding "up". */
    NSID
  }

  static final byte[] ANSWER_ADDRESS = {(byte) 192, 0, 2, 1};

  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "raw-upstream");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger queries = new AtomicInteger();
  private volatile Opt opt = Opt.PLAIN;
  private volatile byte[] lastQuery;
  private volatile CountDownLatch hold = new CountDownLatch(0);

  RawUpstream() throws IOException {
    this(SocketPair.bind());
  }

  private RawUpstream(SocketPair sockets) {
    udp = sockets.udp();
    tcp = sockets.tcp();
    threads.execute(this::serveUdp);
    threads.execute(this::acceptTcp);
  }

  /** A UDP and a TCP socket on one loopback port number. */
  private record SocketPair(DatagramSocket udp, ServerSocket tcp) {

    /** A free UDP port's TCP twin may be taken, so a few ports are tried. */
    static SocketPair bind() throws IOException {
      for (int attempt = 1; ; attempt++) {
        DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        ServerSocket tcp = new ServerSocket();
        try {
          tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.getLocalPort()));
          return new SocketPair(udp, tcp);
        } catch (java.net.BindException taken) {
          udp.close();
          tcp.close();
          if (attempt == 20) {
            throw taken;
          }
        }
      }
    }
  }

  String hostPort() {
    return "127.0.0.1:" + udp.getLocalPort();
  }

  void opt(Opt opt) {
    this.opt = opt;
  }

  /** Queries received, over UDP and TCP. */
  int queries() {
    return queries.get();
  }

  /** The bytes of the query received last, over UDP or TCP; {@code null} before the first. */
  byte[] lastQuery() {
    return lastQuery;
  }

  /** Answers nothing until {@link #release} (queries are still counted). */
  void hold() {
    hold = new CountDownLatch(1);
  }

  void release() {
    hold.countDown();
  }

  private void serveUdp() {
    byte[] buffer = new byte[4096];
    while (!udp.isClosed()) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        udp.receive(packet);
      } catch (IOException e) {
        return;
      }
      byte[] query = Arrays.copyOf(packet.getData(), packet.getLength());
      java.net.SocketAddress client = packet.getSocketAddress();
      threads.execute(() -> {
        try {
          byte[] answer = answer(query);
          udp.send(new DatagramPacket(answer, answer.length, client));
        } catch (IOException | InterruptedException e) {
          // closed
        }
      });
    }
  }

  private void acceptTcp() {
    while (!tcp.isClosed()) {
      try {
        Socket socket = tcp.accept();
        threads.execute(() -> serveConnection(socket));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serveConnection(Socket socket) {
    try (socket) {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      while (true) {
        byte[] answer = answer(DnsClient.readFrame(in));
        synchronized (out) {
          DnsClient.writeFrame(out, answer);
        }
      }
    } catch (IOException | InterruptedException e) {
      // connection closed
    }
  }

  private byte[] answer(byte[] query) throws InterruptedException {
    lastQuery = query;
    queries.incrementAndGet();
    hold.await(10, TimeUnit.SECONDS);
    return write(query, opt);
  }

  /** The answer to {@code query}, written by hand as described in the class comment. */
  static byte[] write(byte[] query, Opt current) {
    int nameEnd = 12;
    while (query[nameEnd] != 0) {
      nameEnd += 1 + query[nameEnd];
    }
    int questionEnd = nameEnd + 1 + 4;
    boolean hasOpt = ((query[10] & 0xff) << 8 | (query[11] & 0xff)) > 0;
    boolean queryDo = hasOpt && (query[questionEnd + 7] & 0x80) != 0;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(query, 0, 2);
    out.write(0x81); // QR, RD
    out.write(0x80); // RA
    out.writeBytes(new byte[] {0, 1, 0, 1, 0, 0, 0, (byte) (hasOpt ? 1 : 0)});
    out.write(query, 12, questionEnd - 12);
    // The answer's owner: the question's name in lower case, not compressed.
    out.writeBytes(new String(query, 12, nameEnd + 1 - 12, java.nio.charset.StandardCharsets.ISO_8859_1)
        .toLowerCase(Locale.ROOT).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    out.writeBytes(new byte[] {0, 1, 0, 1, 0, 0, 0, 60, 0, 4});
    out.writeBytes(ANSWER_ADDRESS);
    if (hasOpt) {
      boolean doBit = current == Opt.ECHO_DO && queryDo;
      out.writeBytes(new byte[] {0, 0, 41, 0x10, 0, 0, 0, (byte) (doBit ? 0x80 : 0), 0});
      if (current == Opt.NSID) {
        out.writeBytes(new byte[] {0, 6, 0, 3, 0, 2, 'u', 'p'});
      } else {
        out.writeBytes(new byte[] {0, 0});
      }
    }
    return out.toByteArray();
  }

  @Override
  public void close() {
    release();
    udp.close();
    try {
      tcp.close();
    } catch (IOException e) {
      // closed already
    }
    threads.shutdownNow();
  }
}
