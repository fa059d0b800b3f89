package dev.corvus.dns.plugin.route53;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.Poll;
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

/** Queries an embedded server over real UDP and TCP sockets and reads answers as strings. */
final class Dns {

  private final DnsClient client;

  Dns(Corvus server) {
    this.client = new DnsClient(server.udpAddress(), Duration.ofSeconds(5));
  }

  Message udp(String name, int type) {
    try {
      return client.udp(name, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Message tcp(String name, int type) {
    try {
      return client.tcp(name, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code owner TTL TYPE rdata} of every record of a section, in order. */
  static List<String> section(Message message, int section) {
    List<String> records = new ArrayList<>();
    for (Record record : message.getSection(section)) {
      records.add(record.getName() + " " + record.getTTL() + " " + Type.string(record.getType()) + " "
          + record.rdataToString());
    }
    return records;
  }

  static List<String> answer(Message message) {
    return section(message, Section.ANSWER);
  }

  /** The rdata of the answer records, sorted. */
  static List<String> rdata(Message message) {
    List<String> values = new ArrayList<>();
    for (Record record : message.getSection(Section.ANSWER)) {
      values.add(record.rdataToString());
    }
    values.sort(null);
    return values;
  }

  static void assertRcode(int expected, Message message) {
    assertEquals(Rcode.string(expected), Rcode.string(message.getRcode()), () -> "response:\n" + message);
  }

  /** Queries over UDP until {@code condition} holds or {@code millis} pass; fails with the last answer. */
  Message awaitAnswer(String name, int type, long millis, Predicate<Message> condition) throws InterruptedException {
    AtomicReference<Message> last = new AtomicReference<>();
    boolean matched = Poll.until(Duration.ofMillis(millis), () -> {
      last.set(udp(name, type));
      return condition.test(last.get());
    });
    if (!matched) {
      fail("no matching answer for " + name + " within " + millis + " ms; last:\n" + last.get());
    }
    return last.get();
  }
}
