package dev.corvus.dns.plugin.hosts.testkit;

import dev.corvus.dns.api.QueryContext;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Transport;
import java.net.InetSocketAddress;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;

/** Builds requests as the server would hand them to a handler. */
public final class Queries {

  /** The client address tests use unless they need another. */
  public static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);

  private Queries() {}

  /** An IN query for {@code name}/{@code type} from {@link #CLIENT} over UDP, routed to the root zone. */
  public static Request request(String name, int type) {
    return request(name, type, DClass.IN, CLIENT);
  }

  /** A query with the given class and client. */
  public static Request request(String name, int type, int dclass, InetSocketAddress client) {
    return Request.of(message(name, type, dclass), client, Transport.UDP, Name.root, "dns://:53",
        new QueryContext(System.nanoTime()));
  }

  /** A request carrying {@code message}. */
  public static Request request(Message message) {
    return Request.of(message, CLIENT, Transport.UDP, Name.root, "dns://:53", new QueryContext(System.nanoTime()));
  }

  /** A recursive query message. */
  public static Message message(String name, int type, int dclass) {
    Message m = Message.newQuery(Record.newRecord(name(name), type, dclass));
    m.getHeader().setFlag(Flags.RD);
    return m;
  }

  /** An absolute name. */
  public static Name name(String text) {
    try {
      return Name.fromString(text, Name.root);
    } catch (TextParseException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
