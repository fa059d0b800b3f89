package dev.corvus.dns.conformance;

import dev.corvus.dns.conformance.ConformanceFile.StubAnswer;
import dev.corvus.dns.conformance.ConformanceFile.StubSpec;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * An upstream for {@code forward} (and what is behind {@code cache}): answers from a table over
 * UDP and TCP on one 127.0.0.1 port, each on a daemon thread.
 */
final class StubUpstream implements AutoCloseable {

  private final StubSpec spec;
  /** How often each entry answered, for entries with {@code times}; by identity, entries may be equal. */
  private final Map<StubAnswer, Integer> used = new java.util.IdentityHashMap<>();
  private final DatagramSocket udp;
  private final ServerSocket tcp;

  private StubUpstream(StubSpec spec, DatagramSocket udp, ServerSocket tcp) {
    this.spec = spec;
    this.udp = udp;
    this.tcp = tcp;
  }

  /** Binds UDP and TCP on the same free loopback port and starts answering. */
  static StubUpstream start(String name, StubSpec spec) throws IOException {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    for (int attempt = 0; ; attempt++) {
      DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
      try {
        ServerSocket tcp = new ServerSocket(udp.getLocalPort(), 50, loopback);
        StubUpstream stub = new StubUpstream(spec, udp, tcp);
        daemon("stub-" + name + "-udp", stub::serveUdp);
        daemon("stub-" + name + "-tcp", stub::serveTcp);
        return stub;
      } catch (IOException e) {
        udp.close();
        if (attempt == 10) {
          throw e;
        }
      }
    }
  }

  private static void daemon(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Where it listens, as {@code host:port} for a Corefile. */
  String address() {
    return "127.0.0.1:" + udp.getLocalPort();
  }

  private void serveUdp() {
    byte[] buffer = new byte[65_535];
    while (!udp.isClosed()) {
      try {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        udp.receive(packet);
        byte[] reply = answer(Arrays.copyOf(packet.getData(), packet.getLength()));
        if (reply != null) {
          udp.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
        }
      } catch (SocketException e) {
        return; // closed
      } catch (IOException e) {
        // a query that does not parse gets no answer
      }
    }
  }

  private void serveTcp() {
    while (!tcp.isClosed()) {
      try {
        Socket connection = tcp.accept();
        daemon("stub-connection", () -> serveConnection(connection));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serveConnection(Socket connection) {
    try (connection) {
      DataInputStream in = new DataInputStream(connection.getInputStream());
      OutputStream out = connection.getOutputStream();
      while (true) {
        byte[] query = new byte[in.readUnsignedShort()];
        in.readFully(query);
        byte[] reply = answer(query);
        if (reply == null) {
          return;
        }
        out.write(new byte[] {(byte) (reply.length >>> 8), (byte) reply.length});
        out.write(reply);
        out.flush();
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  private byte[] answer(byte[] wire) throws IOException {
    Message query = new Message(wire);
    Record question = query.getQuestion();
    if (question == null) {
      return null;
    }
    StubAnswer entry = find(question);
    Message reply = new Message(query.getHeader().getID());
    reply.getHeader().setFlag(Flags.QR);
    if (query.getHeader().getFlag(Flags.RD)) {
      reply.getHeader().setFlag(Flags.RD);
    }
    reply.addRecord(question, Section.QUESTION);
    if (entry == null && spec.echo()) {
      reply.addRecord(echo(query), Section.ANSWER);
      if (query.getOPT() != null) {
        reply.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
      }
      return uncompressed(reply);
    }
    if (entry == null) {
      reply.getHeader().setRcode(Rcode.REFUSED);
      return uncompressed(reply);
    }
    reply.getHeader().setRcode(entry.rcode() == null ? Rcode.NOERROR : Rcode.value(entry.rcode()));
    if (entry.flags() != null) {
      for (Map.Entry<String, Boolean> flag : entry.flags().entrySet()) {
        int bit = Flags.value(flag.getKey().toLowerCase(Locale.ROOT));
        if (flag.getValue()) {
          reply.getHeader().setFlag(bit);
        } else {
          reply.getHeader().unsetFlag(bit);
        }
      }
    }
    add(reply, entry.answer(), Section.ANSWER);
    add(reply, entry.ns(), Section.AUTHORITY);
    add(reply, entry.extra(), Section.ADDITIONAL);
    if (query.getOPT() != null) {
      reply.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
    }
    return uncompressed(reply);
  }

  /**
   * The reply without name compression: dnsjava compresses names that differ only in case against
   * each other, which would give the records the question's spelling.
   */
  private static byte[] uncompressed(Message reply) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.writeBytes(reply.getHeader().toWire());
    for (int section = Section.QUESTION; section <= Section.ADDITIONAL; section++) {
      for (Record r : reply.getSection(section)) {
        out.writeBytes(r.toWire(section));
      }
    }
    return out.toByteArray();
  }

  /** A TXT record saying what the query was: question, EDNS0 and its options. */
  private static Record echo(Message query) throws IOException {
    Record q = query.getQuestion();
    List<String> strings = new ArrayList<>();
    strings.add(q.getName() + " " + Type.string(q.getType()) + " " + DClass.string(q.getDClass()));
    OPTRecord opt = query.getOPT();
    if (opt == null) {
      strings.add("no edns");
    } else {
      strings.add(((opt.getFlags() & ExtendedFlags.DO) != 0 ? "edns do " : "edns ") + opt.getPayloadSize());
      for (EDNSOption option : opt.getOptions()) {
        byte[] wire = option.toWire(); // code, length, data
        strings.add(option.getCode() + ":" + HexFormat.of().formatHex(wire, 4, wire.length));
      }
    }
    return new TXTRecord(q.getName(), DClass.IN, 5, strings);
  }

  private synchronized StubAnswer find(Record question) {
    for (StubAnswer entry : spec.answers()) {
      boolean name = entry.qname() == null || entry.qname().equalsIgnoreCase(question.getName().toString());
      boolean type = entry.qtype() == null || Type.value(entry.qtype()) == question.getType();
      if (name && type) {
        int answered = used.merge(entry, 1, Integer::sum);
        if (entry.times() == null || answered <= entry.times()) {
          return entry;
        }
      }
    }
    return spec.fallback();
  }

  private static void add(Message reply, List<String> records, int section) {
    if (records != null) {
      for (String text : records) {
        reply.addRecord(RecordText.parse(text), section);
      }
    }
  }

  @Override
  public void close() throws IOException {
    udp.close();
    tcp.close();
  }
}
