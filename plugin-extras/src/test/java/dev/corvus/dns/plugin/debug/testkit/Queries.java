package dev.corvus.dns.plugin.debug.testkit;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.QueryContext;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Transport;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/** Requests and chains for calling a handler directly. */
public final class Queries {

  private Queries() {}

  /** A request for {@code name}/{@code type} from {@code client} in the root zone's block. */
  public static Request request(String name, int type, InetSocketAddress client, Transport transport) {
    Message query = Message.newQuery(Record.newRecord(Name.fromConstantString(name), type, DClass.IN));
    query.getHeader().setID(4242);
    return Request.of(query, client, transport, Name.root, "dns://:53", new QueryContext(System.nanoTime()));
  }

  /** A request from 127.0.0.1:5353 over UDP. */
  public static Request request(String name, int type) {
    return request(name, type, new InetSocketAddress("127.0.0.1", 5353), Transport.UDP);
  }

  /**
   * A chain whose rest answers with {@code next}, recording {@code responder} as the directive
   * that answered, as the server's chain does.
   */
  public static Chain chain(Request request, String responder, Function<Request, CompletionStage<Message>> next) {
    return new Chain() {
      @Override
      public Request request() {
        return request;
      }

      @Override
      public CompletionStage<Message> proceed(Request r) {
        CompletionStage<Message> stage = next.apply(r);
        return stage.thenApply(m -> {
          r.context().respondedBy(responder);
          return m;
        });
      }

      @Override
      public boolean hasNext() {
        return true;
      }
    };
  }

  /** What the server does after writing: tells the listeners about the response. */
  public static void written(Request request, Message response) {
    request.context().fireWritten(response, response == null ? 0 : response.toWire().length);
  }
}
