package dev.corvus.dns.server.cli;

import dev.corvus.dns.server.client.DnsClient;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * {@code corvus query [@SERVER[:PORT]] NAME [TYPE] [+tcp] [+dnssec]}: a small dig in the
 * distribution, for debugging from inside a container that has no dig. Exits 9, as dig does, when
 * no usable answer arrives.
 */
final class QueryCommand {

  /** dig's status for "no reply from server". */
  static final int NO_ANSWER = 9;

  private final PrintStream out;
  private final PrintStream err;
  private final ClientSettings settings;

  QueryCommand(PrintStream out, PrintStream err, ClientSettings settings) {
    this.out = out;
    this.err = err;
    this.settings = settings;
  }

  int run(Arguments arguments) {
    HostAndPort target = arguments.get(CommandLine.SERVER);
    Name name = arguments.get(CommandLine.NAME).orElseThrow();
    int type = arguments.get(CommandLine.TYPE).orElse(Type.A);
    boolean tcp = arguments.get(CommandLine.TCP);
    InetSocketAddress server;
    try {
      server = target.resolve(settings.resolver());
    } catch (UnknownHostException e) {
      err.println("corvus query: cannot resolve \"" + target.host() + "\"");
      return 1;
    }
    Message query = DnsClient.newQuery(name.toString(), type);
    int flags = arguments.get(CommandLine.DNSSEC) ? ExtendedFlags.DO : 0;
    query.addRecord(new OPTRecord(1232, 0, 0, flags), Section.ADDITIONAL);
    String where = server.getAddress().getHostAddress() + "#" + server.getPort();
    String transport = tcp ? "TCP" : "UDP";
    long start = System.nanoTime();
    byte[] wire;
    try {
      wire = tcp ? exchangeTcp(query.toWire(), server) : exchangeUdp(query.toWire(), server);
    } catch (SocketTimeoutException e) {
      err.println("corvus query: no answer from " + where + " over " + transport + " within "
          + format(settings.queryTimeout()));
      return NO_ANSWER;
    } catch (IOException e) {
      err.println("corvus query: no answer from " + where + " over " + transport + ": " + Failures.describe(e));
      return NO_ANSWER;
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    Message answer;
    try {
      answer = new Message(wire);
    } catch (IOException | RuntimeException e) {
      // whatever the bytes are, the server is not answering DNS; the parser's reason helps tell how
      err.println("corvus query: the answer from " + where + " is not a DNS message (" + Failures.message(e) + ")");
      return NO_ANSWER;
    }
    if (answer.getHeader().getID() != query.getHeader().getID()) {
      err.println("corvus query: the answer from " + where + " is for another query (ID "
          + answer.getHeader().getID() + ", sent " + query.getHeader().getID() + ")");
      return NO_ANSWER;
    }
    out.print(answer);
    out.println(";; Query time: " + millis + " msec");
    out.println(";; SERVER: " + where + " (" + transport + ")");
    out.println(";; MSG SIZE  rcvd: " + wire.length);
    return 0;
  }

  /**
   * One datagram each way. The socket is connected so that a port nobody listens on is reported at
   * once (the ICMP port unreachable becomes an exception) instead of after the timeout.
   */
  private byte[] exchangeUdp(byte[] query, InetSocketAddress server) throws IOException {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.connect(server);
      socket.setSoTimeout(timeoutMillis());
      socket.send(new DatagramPacket(query, query.length));
      byte[] buffer = new byte[65535];
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      socket.receive(packet);
      return Arrays.copyOf(buffer, packet.getLength());
    }
  }

  /** One length-framed message each way over a new connection (RFC 1035 §4.2.2). */
  private byte[] exchangeTcp(byte[] query, InetSocketAddress server) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(server, timeoutMillis());
      socket.setSoTimeout(timeoutMillis());
      DnsClient.writeFrame(socket.getOutputStream(), query);
      return DnsClient.readFrame(new DataInputStream(socket.getInputStream()));
    }
  }

  private int timeoutMillis() {
    return (int) Math.max(1, settings.queryTimeout().toMillis());
  }

  /** {@code 5s} or {@code 250ms}, as durations are written on the command line. */
  static String format(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }
}
