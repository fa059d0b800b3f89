package dev.corvus.dns.testkit;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Queries an embedded server over real UDP and TCP sockets and reads its answers as strings, for
 * tests of plugins that answer from memory (each query waits at most 5 s).
 */
public final class DnsAnswers {

  private final DnsClient client;

  /** Asks {@code server}'s UDP and TCP listeners. */
  public DnsAnswers(Corvus server) {
    this.client = new DnsClient(server.udpAddress(), Duration.ofSeconds(5));
  }

  /** {@code name} and {@code type} asked over UDP. */
  public Message udp(String name, int type) {
    try {
      return client.udp(name, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code name} and {@code type} asked over TCP. */
  public Message tcp(String name, int type) {
    try {
      return client.tcp(name, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code owner TTL TYPE rdata} of every record of a section, in order. */
  public static List<String> section(Message message, int section) {
    List<String> records = new ArrayList<>();
    for (Record record : message.getSection(section)) {
      records.add(record.getName() + " " + record.getTTL() + " " + Type.string(record.getType()) + " "
          + record.rdataToString());
    }
    return records;
  }

  /** {@link #section} of the answer section. */
  public static List<String> answer(Message message) {
    return section(message, Section.ANSWER);
  }

  /** The rdata of the answer records, sorted. */
  public static List<String> rdata(Message message) {
    List<String> values = new ArrayList<>();
    for (Record record : message.getSection(Section.ANSWER)) {
      values.add(record.rdataToString());
    }
    values.sort(null);
    return values;
  }

  /** Fails unless {@code message} has the rcode {@code expected}, showing the whole response. */
  public static void assertRcode(int expected, Message message) {
    if (message.getRcode() != expected) {
      throw new AssertionError("expected " + Rcode.string(expected) + " but was " + Rcode.string(message.getRcode())
          + "; response:\n" + message);
    }
  }

  /** Queries over UDP until {@code condition} holds or {@code millis} pass; fails with the last answer. */
  public Message awaitAnswer(String name, int type, long millis, Predicate<Message> condition) throws InterruptedException {
    AtomicReference<Message> last = new AtomicReference<>();
    boolean matched = Poll.until(Duration.ofMillis(millis), () -> {
      last.set(udp(name, type));
      return condition.test(last.get());
    });
    if (!matched) {
      throw new AssertionError("no matching answer for " + name + " within " + millis + " ms; last:\n" + last.get());
    }
    return last.get();
  }
}
