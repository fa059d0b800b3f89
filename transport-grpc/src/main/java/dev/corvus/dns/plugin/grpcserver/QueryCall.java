package dev.corvus.dns.plugin.grpcserver;

import dev.corvus.dns.api.Transport;
import dev.corvus.dns.api.listener.QueryService;
import dev.corvus.dns.grpc.pb.DnsService;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * {@code DnsService.Query} served by the server's query path: the {@code DnsPacket}'s message goes
 * to {@link QueryService} with the connection's peer as the client (for {@code acl}, {@code view}
 * and logs; with {@code proxyproto}, the client the connection's PROXY header named), and the
 * response comes back in a {@code DnsPacket} from whichever thread finished it. A message too
 * short to hold a DNS header is {@code INVALID_ARGUMENT}; a query the server drops (refused by
 * policy, shed under load) is {@code UNAVAILABLE}, which a gRPC forwarder such as CoreDNS's takes
 * as a cue to ask its next upstream. Malformed messages with a readable header get FORMERR, as on
 * every transport.
 */
final class QueryCall implements ServerCalls.UnaryMethod<byte[], byte[]>, ServerInterceptor {

  /** RFC 1035 §4.1.1: the header every message starts with. */
  private static final int HEADER_BYTES = 12;
  private static final Context.Key<InetSocketAddress> CLIENT = Context.key("corvus-grpc-client");
  /** The server's address the connection was made to; absent: the listener's bound address. */
  private static final Context.Key<InetSocketAddress> LOCAL = Context.key("corvus-grpc-local");

  private final QueryService queries;
  private final ProxyHeaders proxyHeaders;

  QueryCall(QueryService queries, ProxyHeaders proxyHeaders) {
    this.queries = queries;
    this.proxyHeaders = proxyHeaders;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    SocketAddress peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    if (!(peer instanceof InetSocketAddress connectionPeer)) {
      call.close(Status.INTERNAL.withDescription("no TCP peer for the call: " + peer), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    SocketAddress local = call.getAttributes().get(Grpc.TRANSPORT_ATTR_LOCAL_ADDR);
    // proxyproto: the client the connection's PROXY header named, if it named one
    Context context = Context.current().withValue(CLIENT, proxyHeaders.client(connectionPeer, local));
    if (local instanceof InetSocketAddress address) {
      context = context.withValue(LOCAL, address);
    }
    return Contexts.interceptCall(context, call, headers, next);
  }

  @Override
  public void invoke(byte[] msg, StreamObserver<byte[]> response) {
    if (msg.length < HEADER_BYTES || msg.length > DnsService.MAX_DNS_MESSAGE_BYTES) {
      response.onError(Status.INVALID_ARGUMENT
          .withDescription("not a DNS message: " + msg.length + " bytes").asRuntimeException());
      return;
    }
    QueryService.ResponseSink sink = new QueryService.ResponseSink() {
      @Override
      public void respond(byte[] wire) {
        response.onNext(wire);
        response.onCompleted();
      }

      @Override
      public void drop() {
        response.onError(Status.UNAVAILABLE.withDescription("no answer for this query").asRuntimeException());
      }
    };
    InetSocketAddress local = LOCAL.get();
    if (local == null) {
      queries.query(ByteBuffer.wrap(msg), CLIENT.get(), Transport.GRPC, sink);
    } else {
      queries.query(ByteBuffer.wrap(msg), CLIENT.get(), local, Transport.GRPC, sink);
    }
  }
}
