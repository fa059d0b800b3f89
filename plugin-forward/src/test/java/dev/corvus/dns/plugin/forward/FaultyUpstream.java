package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.server.client.DnsClient;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * A DNS server on 127.0.0.1 (UDP and TCP, or TLS, on one port) that answers every A query with a
 * fixed address, and misbehaves on demand: drops, delays, answers SERVFAIL, truncates UDP answers,
 * or sends forged answers (wrong ID, wrong source port) before the real one.
 */
final class FaultyUpstream implements AutoCloseable {

  /** What the upstream does with a query. */
  enum Mode {
    /** Answers correctly. */
    ANSWER,
    /** Answers nothing at all, health checks included. */
    DROP,
    /** Answers queries but drops health checks, so the upstream stays down. */
    DROP_HEALTH_CHECKS,
    /** Answers SERVFAIL (health checks see an answer). */
    SERVFAIL,
    /** Answers NXDOMAIN. */
    NXDOMAIN,
    /** Over UDP answers with TC set and no records; over TCP answers fully. */
    TRUNCATE_UDP,
    /** Over UDP answers with 5,000 bytes of TXT records added and no TC flag; over TCP answers plainly. */
    OVERSIZED_UDP,
    /**
     * Over UDP first sends a copy with a wrong ID, one with the right ID but another question, and
     * one from another port, then the answer.
     */
    SPOOF_FIRST
  }

  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final InetAddress answer;
  private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "faulty-upstream");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, AtomicInteger> queries = new ConcurrentHashMap<>();
  private final Set<Integer> udpSourcePorts = ConcurrentHashMap.newKeySet();
  private final Set<InetAddress> sourceAddresses = ConcurrentHashMap.newKeySet();
  private final InetAddress bound;
  private final AtomicInteger tcpConnections = new AtomicInteger();
  private final AtomicInteger tcpQueries = new AtomicInteger();
  private final AtomicInteger tcpConnectionsClosedByClient = new AtomicInteger();
  private final Future<?> udpServer;
  private volatile Mode mode = Mode.ANSWER;
  private volatile long delayMillis;
  private volatile boolean closed;

  private FaultyUpstream(InetAddress answer, SSLContext tls, InetAddress bind, int port) throws IOException {
    this.answer = answer;
    this.bound = bind;
    DatagramSocket boundUdp = null;
    ServerSocket boundTcp = null;
    for (int attempt = 0; attempt < (port == 0 ? 20 : 1) && boundTcp == null; attempt++) {
      boundUdp = new DatagramSocket(new InetSocketAddress(bind, port));
      try {
        boundTcp = tls == null ? new ServerSocket() : tls.getServerSocketFactory().createServerSocket();
        boundTcp.bind(new InetSocketAddress(bind, boundUdp.getLocalPort()));
      } catch (IOException e) {
        boundUdp.close();
        boundTcp = null;
      }
    }
    if (boundTcp == null) {
      throw new IOException("no free port for UDP and TCP");
    }
    this.udp = boundUdp;
    this.tcp = boundTcp;
    udpServer = workers.submit(this::serveUdp);
    workers.execute(this::acceptTcp);
  }

  /** A plain DNS upstream answering A queries with {@code answer}. */
  static FaultyUpstream start(String answer) throws IOException {
    return new FaultyUpstream(InetAddress.getByName(answer), null, InetAddress.getLoopbackAddress(), 0);
  }

  /** A plain DNS upstream on {@code port} of 127.0.0.1 (an upstream coming back where it was). */
  static FaultyUpstream startOn(String answer, int port) throws IOException {
    return new FaultyUpstream(InetAddress.getByName(answer), null, InetAddress.getLoopbackAddress(), port);
  }

  /**
   * A plain DNS upstream on {@code bind}, a loopback address (Linux routes all of 127.0.0.0/8 to
   * the loopback interface), at {@code port}, or a free port when 0.
   */
  static FaultyUpstream startOn(String answer, String bind, int port) throws IOException {
    return new FaultyUpstream(InetAddress.getByName(answer), null, InetAddress.getByName(bind), port);
  }

  /** A DNS-over-TLS upstream (its TCP side speaks TLS) answering with {@code answer}. */
  static FaultyUpstream startTls(String answer, SSLContext tls) throws IOException {
    return new FaultyUpstream(InetAddress.getByName(answer), tls, InetAddress.getLoopbackAddress(), 0);
  }

  InetSocketAddress address() {
    return new InetSocketAddress(bound, udp.getLocalPort());
  }

  /** The addresses UDP queries and TCP connections came from. */
  Set<InetAddress> sourceAddresses() {
    return Set.copyOf(sourceAddresses);
  }

  int port() {
    return udp.getLocalPort();
  }

  /** {@code 127.0.0.1:PORT} (or its own address), as written in a Corefile and in the {@code to} label. */
  String hostPort() {
    return bound.getHostAddress() + ":" + udp.getLocalPort();
  }

  void mode(Mode mode) {
    this.mode = mode;
  }

  void delayMillis(long millis) {
    this.delayMillis = millis;
  }

  /** Queries received for {@code name} (lower case, absolute), over any transport. */
  int queries(String name) {
    AtomicInteger count = queries.get(name);
    return count == null ? 0 : count.get();
  }

  /** How many different source ports UDP queries came from. */
  int udpSourcePorts() {
    return udpSourcePorts.size();
  }

  int tcpConnections() {
    return tcpConnections.get();
  }

  int tcpConnectionsClosedByClient() {
    return tcpConnectionsClosedByClient.get();
  }

  int tcpQueries() {
    return tcpQueries.get();
  }

  private void serveUdp() {
    byte[] buffer = new byte[65535];
    while (!closed) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        udp.receive(packet);
      } catch (IOException e) {
        return;
      }
      byte[] wire = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
      InetSocketAddress client = (InetSocketAddress) packet.getSocketAddress();
      udpSourcePorts.add(client.getPort());
      sourceAddresses.add(client.getAddress());
      workers.execute(() -> answerUdp(wire, client));
    }
  }

  private void answerUdp(byte[] wire, InetSocketAddress client) {
    try {
      Message query = new Message(wire);
      Message response = respond(query, true);
      if (response == null) {
        return;
      }
      if (mode == Mode.SPOOF_FIRST && !isHealthCheck(query)) {
        Message wrongId = response.clone();
        wrongId.getHeader().setID((query.getHeader().getID() + 1) & 0xffff);
        wrongId.removeAllRecords(Section.ANSWER);
        wrongId.addRecord(new ARecord(query.getQuestion().getName(), 1, 60, InetAddress.getByName("6.6.6.6")), Section.ANSWER);
        send(udp, wrongId.toWire(), client);
        Message otherQuestion = wrongId.clone();
        otherQuestion.getHeader().setID(query.getHeader().getID());
        otherQuestion.removeAllRecords(Section.QUESTION);
        otherQuestion.addRecord(
            Record.newRecord(Name.fromConstantString("bank.attacker.example."), Type.A, DClass.IN), Section.QUESTION);
        send(udp, otherQuestion.toWire(), client);
        try (DatagramSocket other = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
          send(other, wrongId.toWire().clone(), client);
          Message forgedPort = wrongId.clone();
          forgedPort.getHeader().setID(query.getHeader().getID());
          send(other, forgedPort.toWire(), client);
        }
      }
      send(udp, response.toWire(), client);
    } catch (IOException e) {
      // a malformed query or a closed socket: nothing to answer
    }
  }

  private static void send(DatagramSocket socket, byte[] wire, InetSocketAddress to) throws IOException {
    socket.send(new DatagramPacket(wire, wire.length, to));
  }

  private void acceptTcp() {
    while (!closed) {
      Socket socket;
      try {
        socket = tcp.accept();
      } catch (IOException e) {
        return;
      }
      tcpConnections.incrementAndGet();
      sourceAddresses.add(socket.getInetAddress());
      workers.execute(() -> serveConnection(socket));
    }
  }

  private void serveConnection(Socket socket) {
    try (socket) {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      while (!closed) {
        byte[] wire = DnsClient.readFrame(in);
        tcpQueries.incrementAndGet();
        workers.execute(() -> {
          try {
            Message response = respond(new Message(wire), false);
            if (response != null) {
              synchronized (out) {
                DnsClient.writeFrame(out, response.toWire());
              }
            }
          } catch (IOException e) {
            // connection gone
          }
        });
      }
    } catch (java.io.EOFException e) {
      tcpConnectionsClosedByClient.incrementAndGet();
    } catch (IOException e) {
      // connection reset
    }
  }

  private static boolean isHealthCheck(Message query) {
    return query.getQuestion().getType() == Type.NS;
  }

  /** The response to send, or {@code null} to stay silent. */
  private Message respond(Message query, boolean overUdp) throws IOException {
    Record question = query.getQuestion();
    queries.computeIfAbsent(question.getName().toString().toLowerCase(Locale.ROOT), k -> new AtomicInteger())
        .incrementAndGet();
    Mode current = mode;
    if (current == Mode.DROP || (current == Mode.DROP_HEALTH_CHECKS && isHealthCheck(query))) {
      return null;
    }
    long delay = delayMillis;
    if (delay > 0 && !isHealthCheck(query)) {
      try {
        Thread.sleep(delay); // fault injection: a slow upstream, not test synchronisation
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    Message response = new Message(query.getHeader().getID());
    response.getHeader().setFlag(Flags.QR);
    response.getHeader().setFlag(Flags.RA);
    if (query.getHeader().getFlag(Flags.RD)) {
      response.getHeader().setFlag(Flags.RD);
    }
    response.addRecord(question, Section.QUESTION);
    if (isHealthCheck(query)) {
      return response;
    }
    switch (current) {
      case SERVFAIL -> response.getHeader().setRcode(Rcode.SERVFAIL);
      case NXDOMAIN -> response.getHeader().setRcode(Rcode.NXDOMAIN);
      case TRUNCATE_UDP -> {
        if (overUdp) {
          response.getHeader().setFlag(Flags.TC);
        } else {
          addAnswer(response, question);
        }
      }
      case OVERSIZED_UDP -> {
        addAnswer(response, question);
        if (overUdp) {
          for (int i = 0; i < 20; i++) {
            response.addRecord(new TXTRecord(question.getName(), question.getDClass(), 60, "x".repeat(250)),
                Section.ADDITIONAL);
          }
        }
      }
      default -> addAnswer(response, question);
    }
    return response;
  }

  private void addAnswer(Message response, Record question) {
    if (question.getType() == Type.A) {
      response.addRecord(new ARecord(question.getName(), question.getDClass(), 60, answer), Section.ANSWER);
    }
  }

  /**
   * Stops serving. Returns once the UDP socket is released: a thread blocked receiving on it keeps
   * the socket alive until it wakes, and a datagram arriving meanwhile would still be taken (and
   * left unanswered) instead of drawing an ICMP port unreachable.
   */
  @Override
  public void close() {
    closed = true;
    udp.close();
    try {
      udpServer.get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the UDP server thread did not stop", e);
    }
    try {
      tcp.close();
    } catch (IOException e) {
      // already closed
    }
    workers.shutdownNow();
  }
}
