package dev.corvus.dns.testkit;

import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Transport;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.server.routing.ServerQueryContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Queries and {@link Request}s as the server hands them to a handler: in the root zone's server
 * block {@code dns://:53}, from {@link #CLIENT} over UDP unless a test says otherwise.
 */
public final class Queries {

  /** The client address of requests that do not name one: 127.0.0.1:40000. */
  public static final InetSocketAddress CLIENT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);

  /** The server label of the requests, as CoreDNS labels metrics of a block on port 53. */
  public static final String SERVER = "dns://:53";

  private Queries() {}

  /** A recursive (RD) IN query for {@code name} and {@code type} with a random ID. */
  public static Message query(String name, int type) {
    return DnsClient.newQuery(name, type);
  }

  /** A recursive query of class {@code dclass}, e.g. {@link org.xbill.DNS.DClass#CH} for {@code chaos}. */
  public static Message query(String name, int type, int dclass) {
    Message query = query(name, type);
    Record question = query.getQuestion();
    query.removeAllRecords(Section.QUESTION);
    query.addRecord(Record.newRecord(question.getName(), type, dclass), Section.QUESTION);
    return query;
  }

  /**
   * A query with an OPT record (EDNS0, payload 1232) carrying {@code options}.
   */
  public static Message ednsQuery(String name, int type, EDNSOption... options) {
    Message query = query(name, type);
    query.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(options)), Section.ADDITIONAL);
    return query;
  }

  /** A UDP request for {@code name} and {@code type} from {@link #CLIENT}. */
  public static Request request(String name, int type) {
    return request(query(name, type));
  }

  /** A request for {@code name} and {@code type} from {@code client} over {@code transport}. */
  public static Request request(String name, int type, InetSocketAddress client, Transport transport) {
    return request(query(name, type), client, transport);
  }

  /** A UDP request carrying {@code query} from {@link #CLIENT}. */
  public static Request request(Message query) {
    return request(query, CLIENT, Transport.UDP);
  }

  /** A request carrying {@code query} from {@code client} over {@code transport}. */
  public static Request request(Message query, InetSocketAddress client, Transport transport) {
    return Request.of(query, client, transport, Name.root, SERVER,
        new ServerQueryContext(System.nanoTime(), false, false, InlineLoop.INSTANCE));
  }

  /**
   * The server's context of a request made here, to do by hand what the server would: record the
   * answering directive ({@code respondedBy(String)}), tell the listeners a response was written
   * ({@code fireWritten}), publish metadata ({@code metadataSink()}), read an offered wire form
   * ({@code wireFormOf}).
   */
  public static ServerQueryContext context(Request request) {
    return (ServerQueryContext) request.context();
  }
}
