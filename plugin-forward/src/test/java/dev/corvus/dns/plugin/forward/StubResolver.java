package dev.corvus.dns.plugin.forward;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A recursive resolver on 127.0.0.1 (UDP) for the {@code resolver} option: it knows one name,
 * answering A and AAAA queries for it with the addresses it is told, under a TTL it is told;
 * NXDOMAIN for every other name, and for the name too while it has no addresses.
 */
final class StubResolver implements AutoCloseable {

  private final DatagramSocket socket;
  private final Name name;
  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "stub-resolver");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger queries = new AtomicInteger();
  private volatile List<InetAddress> addresses = List.of();
  private volatile long ttl = 60;

  StubResolver(String name) throws IOException {
    this.name = Name.fromString(name);
    this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    thread.execute(this::serve);
  }

  /** {@code 127.0.0.1:PORT}, as the {@code resolver} option takes it. */
  String hostPort() {
    return "127.0.0.1:" + socket.getLocalPort();
  }

  /** From now on the name resolves to {@code addresses} (none: NXDOMAIN) with {@code ttl} seconds. */
  void answer(long ttl, String... addresses) throws IOException {
    InetAddress[] parsed = new InetAddress[addresses.length];
    for (int i = 0; i < addresses.length; i++) {
      parsed[i] = InetAddress.getByName(addresses[i]);
    }
    this.ttl = ttl;
    this.addresses = List.of(parsed);
  }

  /** A and AAAA queries received so far, for any name. */
  int queries() {
    return queries.get();
  }

  private void serve() {
    byte[] buffer = new byte[512];
    while (!socket.isClosed()) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
        Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
        byte[] answer = respond(query).toWire();
        socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
      } catch (IOException e) {
        if (socket.isClosed()) {
          return;
        }
      }
    }
  }

  private Message respond(Message query) {
    queries.incrementAndGet();
    Record question = query.getQuestion();
    Message response = new Message(query.getHeader().getID());
    response.getHeader().setFlag(Flags.QR);
    response.getHeader().setFlag(Flags.RD);
    response.getHeader().setFlag(Flags.RA);
    response.addRecord(question, Section.QUESTION);
    List<InetAddress> current = addresses;
    if (!question.getName().equals(name) || current.isEmpty()) {
      response.getHeader().setRcode(Rcode.NXDOMAIN);
      return response;
    }
    for (InetAddress address : current) {
      if (question.getType() == Type.A && address instanceof Inet4Address) {
        response.addRecord(new ARecord(name, question.getDClass(), ttl, address), Section.ANSWER);
      } else if (question.getType() == Type.AAAA && address instanceof Inet6Address) {
        response.addRecord(new AAAARecord(name, question.getDClass(), ttl, address), Section.ANSWER);
      }
    }
    return response;
  }

  @Override
  public void close() {
    socket.close();
    thread.shutdownNow();
  }
}
