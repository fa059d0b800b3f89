package dev.corvus.dns.plugin.transfer;

import dev.corvus.dns.api.io.DatagramConnection;
import dev.corvus.dns.api.io.DatagramHandler;
import dev.corvus.dns.api.io.IoLoop;
import dev.corvus.dns.api.io.IoLoops;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Sends NOTIFY (RFC 1996) for a zone to secondaries over UDP on the server's I/O loops: up to three
 * tries of two seconds each per secondary, as CoreDNS's client, until one is answered NOERROR.
 */
final class Notifier {

  private static final Logger log = LoggerFactory.getLogger(Notifier.class);

  static final int ATTEMPTS = 3;
  static final long ATTEMPT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final IoLoops loops;
  private final SecureRandom ids = new SecureRandom();

  Notifier(IoLoops loops) {
    this.loops = loops;
  }

  /** Notifies each of {@code secondaries} that {@code zone} changed. */
  void notifyAll(Name zone, List<InetSocketAddress> secondaries) {
    for (InetSocketAddress secondary : secondaries) {
      IoLoop loop = loops.next();
      loop.execute(() -> attempt(loop, zone, secondary, 1));
    }
  }

  private void attempt(IoLoop loop, Name zone, InetSocketAddress secondary, int attempt) {
    Message notify = new Message(ids.nextInt(0x10000));
    notify.getHeader().setOpcode(Opcode.NOTIFY);
    notify.getHeader().setFlag(Flags.AA);
    notify.addRecord(Record.newRecord(zone, Type.SOA, DClass.IN), Section.QUESTION);
    int id = notify.getHeader().getID();
    byte[] wire = notify.toWire();
    Exchange exchange = new Exchange(loop, zone, secondary, attempt, id);
    exchange.connection = loop.openDatagram(secondary, exchange);
    if (exchange.done) {
      return; // the socket could not be bound; the next attempt is under way
    }
    exchange.connection.send(wire);
    exchange.timeout = loop.schedule(exchange::timedOut, ATTEMPT_TIMEOUT_NANOS);
  }

  /** One attempt: a socket, its answer or its timeout. */
  private final class Exchange implements DatagramHandler {
    private final IoLoop loop;
    private final Name zone;
    private final InetSocketAddress secondary;
    private final int attempt;
    private final int id;
    DatagramConnection connection;
    IoLoop.Scheduled timeout;
    private boolean done;

    Exchange(IoLoop loop, Name zone, InetSocketAddress secondary, int attempt, int id) {
      this.loop = loop;
      this.zone = zone;
      this.secondary = secondary;
      this.attempt = attempt;
      this.id = id;
    }

    @Override
    public void received(ByteBuffer datagram) {
      Message answer;
      try {
        answer = new Message(datagram);
      } catch (IOException e) {
        return; // not an answer: keep waiting
      }
      if (answer.getHeader().getID() != id || !answer.getHeader().getFlag(Flags.QR)) {
        return;
      }
      if (answer.getRcode() == Rcode.NOERROR) {
        finish(null);
        log.info("transfer: sent NOTIFY for zone {} to {}", zone, secondary);
      } else {
        finish("rcode was " + Rcode.string(answer.getRcode()));
      }
    }

    @Override
    public void failed(IOException cause) {
      finish(cause.toString());
    }

    @Override
    public void closed() {}

    void timedOut() {
      finish("no answer within 2 s");
    }

    private void finish(String failure) {
      if (done) {
        return;
      }
      done = true;
      if (timeout != null) {
        timeout.cancel();
      }
      if (connection != null) {
        connection.close();
      }
      if (failure == null) {
        return;
      }
      if (attempt < ATTEMPTS) {
        loop.execute(() -> attempt(loop, zone, secondary, attempt + 1));
      } else {
        log.warn("transfer: notify for zone {} was not accepted by {}: {}", zone, secondary, failure);
      }
    }
  }
}
