package dev.corvus.dns.distribution;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The "internet" for a cluster DNS test: a name server on loopback (UDP and TCP on one port) that
 * stands in for the node's resolvers. It knows every name under {@code example.org.} (one A record) and one reverse
 * name outside the cluster; everything else is NXDOMAIN. It counts the questions it was asked, so
 * a test can tell an answer that went upstream from one that did not.
 */
final class UpstreamStub implements AutoCloseable {

  static final Name ZONE = Name.fromConstantString("example.org.");
  static final InetAddress ADDRESS = address("192.0.2.10");
  static final Name FOREIGN_PTR = Name.fromConstantString("10.2.0.192.in-addr.arpa.");
  static final Name FOREIGN_PTR_TARGET = Name.fromConstantString("upstream.example.org.");
  private static final long TTL = 60;

  private final DatagramSocket socket;
  private final Thread server;
  private final ServerSocket tcp;
  private final Thread tcpServer;
  private final Map<String, Integer> questionsByName = new ConcurrentHashMap<>();

  UpstreamStub() throws IOException {
    DatagramSocket udp = null;
    ServerSocket stream = null;
    for (int attempt = 0; stream == null; attempt++) {
      udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try {
        stream = new ServerSocket(udp.getLocalPort(), 16, InetAddress.getLoopbackAddress());
      } catch (IOException e) {
        udp.close();
        if (attempt == 20) {
          throw e;
        }
      }
    }
    socket = udp;
    tcp = stream;
    server = new Thread(this::serve, "upstream-stub");
    server.setDaemon(true);
    server.start();
    tcpServer = new Thread(this::serveTcp, "upstream-stub-tcp");
    tcpServer.setDaemon(true);
    tcpServer.start();
  }

  /** One connection at a time, length-prefixed messages until the client closes (RFC 1035 §4.2.2). */
  private void serveTcp() {
    while (!tcp.isClosed()) {
      try (Socket connection = tcp.accept()) {
        DataInputStream in = new DataInputStream(connection.getInputStream());
        DataOutputStream out = new DataOutputStream(connection.getOutputStream());
        while (true) {
          byte[] query = new byte[in.readUnsignedShort()];
          in.readFully(query);
          byte[] answer = answer(new Message(query)).toWire(65535);
          out.writeShort(answer.length);
          out.write(answer);
          out.flush();
        }
      } catch (IOException e) {
        // the client closed the connection, or the stub is closing
      }
    }
  }

  /** Where to forward to, as {@code forward . ADDRESS:PORT}. */
  String hostAndPort() {
    return InetAddress.getLoopbackAddress().getHostAddress() + ":" + socket.getLocalPort();
  }

  /** Questions received so far, per name (lower case). */
  int questionsFor(Name name) {
    return questionsByName.getOrDefault(key(name), 0);
  }

  private static String key(Name name) {
    return name.toString().toLowerCase(Locale.ROOT);
  }

  private void serve() {
    byte[] buffer = new byte[4096];
    while (!socket.isClosed()) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
        Message query = new Message(Arrays.copyOf(packet.getData(), packet.getLength()));
        byte[] answer = answer(query).toWire(512);
        socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
      } catch (IOException e) {
        if (socket.isClosed()) {
          return;
        }
        // A datagram that does not parse is dropped, as a real server would.
      }
    }
  }

  private Message answer(Message query) {
    Record question = query.getQuestion();
    Message response = new Message(query.getHeader().getID());
    response.getHeader().setFlag(Flags.QR);
    response.getHeader().setFlag(Flags.RA);
    if (query.getHeader().getFlag(Flags.RD)) {
      response.getHeader().setFlag(Flags.RD);
    }
    if (question == null) {
      response.getHeader().setRcode(Rcode.FORMERR);
      return response;
    }
    response.addRecord(question, Section.QUESTION);
    Name name = question.getName();
    questionsByName.merge(key(name), 1, Integer::sum);
    if (name.equals(Name.root)) {
      return response; // forward's health check (". IN NS"): any answer is a healthy upstream.
    }
    if (name.subdomain(ZONE)) {
      if (question.getType() == Type.A) {
        response.addRecord(new ARecord(name, DClass.IN, TTL, ADDRESS), Section.ANSWER);
      }
      return response;
    }
    if (name.equals(FOREIGN_PTR) && question.getType() == Type.PTR) {
      response.addRecord(new PTRRecord(name, DClass.IN, TTL, FOREIGN_PTR_TARGET), Section.ANSWER);
      return response;
    }
    response.getHeader().setRcode(Rcode.NXDOMAIN);
    return response;
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByAddress(Address.toByteArray(literal, Address.IPv4));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  @Override
  public void close() {
    socket.close();
    try {
      tcp.close();
    } catch (IOException e) {
      // closing anyway
    }
    try {
      server.join(5_000);
      tcpServer.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
