package dev.corvus.dns.plugin.peers;

import dev.corvus.dns.testkit.peers.Peers;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A misbehaving primary on loopback, for what no real server sends: AXFR answers with records
 * outside the zone, or cut off half-way. Answers SOA over UDP with the first record of its zone.
 */
public final class FakePrimary implements AutoCloseable {

  private final ServerSocket tcp;
  private final DatagramSocket udp;
  private final BlockingQueue<String> transfers = new LinkedBlockingQueue<>();
  private volatile List<Record> zone;
  private volatile boolean cutHalfWay;

  /** Starts on a free loopback port serving {@code zone} (SOA first, without the closing SOA). */
  public FakePrimary(List<Record> zone) throws IOException {
    this.zone = zone;
    int port = Peers.freePort();
    tcp = new ServerSocket(port, 10, InetAddress.getLoopbackAddress());
    udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    Thread tcpThread = new Thread(this::serveTcp, "fake-primary-tcp");
    tcpThread.setDaemon(true);
    tcpThread.start();
    Thread udpThread = new Thread(this::serveUdp, "fake-primary-udp");
    udpThread.setDaemon(true);
    udpThread.start();
  }

  /** The port it listens on. */
  public int port() {
    return tcp.getLocalPort();
  }

  /** What the next transfers send; {@code cut} ends the stream in the middle of the message. */
  public void serve(List<Record> records, boolean cut) {
    this.zone = records;
    this.cutHalfWay = cut;
  }

  /** Waits for the next finished transfer ("whole" or "cut"), at most 20 s; {@code null} if none. */
  public String awaitTransfer() throws InterruptedException {
    return transfers.poll(20, TimeUnit.SECONDS);
  }

  private void serveTcp() {
    while (!tcp.isClosed()) {
      try (Socket socket = tcp.accept()) {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] queryBytes = new byte[in.readUnsignedShort()];
        in.readFully(queryBytes);
        Message query = new Message(queryBytes);
        Message answer = new Message(query.getHeader().getID());
        answer.getHeader().setFlag(Flags.QR);
        answer.getHeader().setFlag(Flags.AA);
        answer.addRecord(query.getQuestion(), Section.QUESTION);
        List<Record> records = zone;
        records.forEach(r -> answer.addRecord(r, Section.ANSWER));
        answer.addRecord(records.get(0), Section.ANSWER);
        byte[] wire = answer.toWire();
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        boolean cut = cutHalfWay;
        out.writeShort(wire.length);
        out.write(cut ? Arrays.copyOf(wire, wire.length / 2) : wire);
        out.flush();
        socket.shutdownOutput();
        // wait for the client to give up or finish before reporting
        while (socket.getInputStream().read() >= 0) {
          // drain
        }
        transfers.add(cut ? "cut" : "whole");
      } catch (IOException e) {
        if (tcp.isClosed()) {
          return;
        }
      }
    }
  }

  private void serveUdp() {
    byte[] buffer = new byte[512];
    while (!udp.isClosed()) {
      try {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        udp.receive(packet);
        Message query = new Message(Arrays.copyOf(buffer, packet.getLength()));
        Message answer = new Message(query.getHeader().getID());
        answer.getHeader().setFlag(Flags.QR);
        answer.getHeader().setFlag(Flags.AA);
        answer.addRecord(query.getQuestion(), Section.QUESTION);
        if (query.getQuestion().getType() == Type.SOA) {
          answer.addRecord((SOARecord) zone.get(0), Section.ANSWER);
        }
        byte[] wire = answer.toWire();
        udp.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
      } catch (IOException e) {
        if (udp.isClosed()) {
          return;
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    tcp.close();
    udp.close();
  }
}
