package dev.corvus.dns.conformance;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.xbill.DNS.Message;

/** Sends one query over a real socket, from a chosen loopback source address, and reads the answer. */
final class DnsExchange {

  private static final int TIMEOUT_MILLIS = 5_000;
  /** How long a case that expects no answer waits for one. */
  static final int SILENCE_MILLIS = 300;

  private DnsExchange() {}

  /**
   * Over UDP; the answer may be truncated, as a client would receive it.
   *
   * @param timeoutMillis how long to wait for the answer
   */
  static Message udp(InetSocketAddress server, InetAddress from, Message query, int timeoutMillis) throws IOException {
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(from, 0))) {
      socket.setSoTimeout(timeoutMillis);
      byte[] wire = query.toWire();
      socket.send(new DatagramPacket(wire, wire.length, server));
      byte[] buffer = new byte[65_535];
      while (true) {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.receive(packet);
        Message answer = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
        if (answer.getHeader().getID() == query.getHeader().getID()) {
          return answer;
        }
      }
    }
  }

  /** Over UDP with the usual timeout. */
  static Message udp(InetSocketAddress server, InetAddress from, Message query) throws IOException {
    return udp(server, from, query, TIMEOUT_MILLIS);
  }

  /** Over TCP, with the two-byte length prefix of RFC 1035 §4.2.2. */
  static Message tcp(InetSocketAddress server, InetAddress from, Message query) throws IOException {
    return tcp(server, from, query, TIMEOUT_MILLIS);
  }

  /** Over TCP, waiting at most {@code timeoutMillis} for the answer. */
  static Message tcp(InetSocketAddress server, InetAddress from, Message query, int timeoutMillis) throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(from, 0));
      socket.connect(server, TIMEOUT_MILLIS);
      socket.setSoTimeout(timeoutMillis);
      byte[] wire = query.toWire();
      OutputStream out = socket.getOutputStream();
      out.write(new byte[] {(byte) (wire.length >>> 8), (byte) wire.length});
      out.write(wire);
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] answer = new byte[in.readUnsignedShort()];
      in.readFully(answer);
      return new Message(answer);
    }
  }
}
