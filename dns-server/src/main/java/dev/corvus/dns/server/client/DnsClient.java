package dev.corvus.dns.server.client;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;

/**
 * A small blocking DNS client over UDP and TCP, for tests, for {@code corvus query} and for
 * plugin authors' tests against an embedded server. Not for the query path: plugins that talk to
 * upstreams use their own asynchronous clients.
 */
public final class DnsClient {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final InetSocketAddress server;
  private final Duration timeout;

  /**
   * @param server where to send queries
   * @param timeout how long to wait for each answer
   */
  public DnsClient(InetSocketAddress server, Duration timeout) {
    this.server = server;
    this.timeout = timeout;
  }

  /** A client with a two-second timeout. */
  public DnsClient(InetSocketAddress server) {
    this(server, Duration.ofSeconds(2));
  }

  /** A recursive query for {@code name} and {@code type} (class IN) with a random ID. */
  public static Message newQuery(String name, int type) {
    try {
      Name qname = Name.fromString(name, Name.root);
      Message query = Message.newQuery(Record.newRecord(qname, type, DClass.IN));
      query.getHeader().setID(RANDOM.nextInt(0x10000));
      query.getHeader().setFlag(Flags.RD);
      return query;
    } catch (TextParseException e) {
      throw new IllegalArgumentException("not a domain name: " + name, e);
    }
  }

  /** Sends {@code name}/{@code type} over UDP. */
  public Message udp(String name, int type) throws IOException {
    return udp(newQuery(name, type));
  }

  /** Sends {@code name}/{@code type} over TCP. */
  public Message tcp(String name, int type) throws IOException {
    return tcp(newQuery(name, type));
  }

  /**
   * Sends {@code query} in one datagram and returns the first datagram that parses with the same
   * ID.
   *
   * @throws SocketTimeoutException when no answer arrives in time
   */
  public Message udp(Message query) throws IOException {
    return new Message(udpRaw(query.toWire()));
  }

  /** Sends raw bytes in one datagram and returns the raw answer. */
  public byte[] udpRaw(byte[] wire) throws IOException {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout((int) timeout.toMillis());
      socket.send(new DatagramPacket(wire, wire.length, server));
      byte[] buffer = new byte[65535];
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      socket.receive(packet);
      byte[] answer = new byte[packet.getLength()];
      System.arraycopy(buffer, 0, answer, 0, answer.length);
      return answer;
    }
  }

  /** Sends {@code query} over a new TCP connection with two-byte length framing (RFC 1035 §4.2.2). */
  public Message tcp(Message query) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(server, (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      writeFrame(socket.getOutputStream(), query.toWire());
      return new Message(readFrame(new DataInputStream(socket.getInputStream())));
    }
  }

  /** Writes one length-prefixed DNS message. */
  public static void writeFrame(OutputStream out, byte[] wire) throws IOException {
    byte[] frame = new byte[wire.length + 2];
    frame[0] = (byte) (wire.length >>> 8);
    frame[1] = (byte) wire.length;
    System.arraycopy(wire, 0, frame, 2, wire.length);
    out.write(frame);
    out.flush();
  }

  /** Reads one length-prefixed DNS message. */
  public static byte[] readFrame(DataInputStream in) throws IOException {
    int length = in.readUnsignedShort();
    byte[] wire = new byte[length];
    in.readFully(wire);
    return wire;
  }
}
