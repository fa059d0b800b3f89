package dev.corvus.dns.grpc.pb;

import io.grpc.MethodDescriptor;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;

/**
 * CoreDNS's gRPC service {@code coredns.dns.DnsService} (its {@code pb/dns.proto}, which this
 * jar carries as {@code dev/corvus/dns/grpc/pb/dns.proto}): the unary method {@code Query} takes a
 * {@code DnsPacket} holding a DNS query in wire format and returns one holding the response. Both
 * sides of it are {@code byte[]} here, the DNS message itself; the {@code DnsPacket} around it is
 * encoded and decoded by the method's marshallers. The {@code grpc://} listener serves it and the
 * {@code grpc} directive calls it, so each interoperates with CoreDNS and with clients generated
 * from the same proto.
 */
public final class DnsService {

  /** The fully qualified service name. */
  public static final String SERVICE_NAME = "coredns.dns.DnsService";

  /**
   * The largest DNS message (65,535 bytes, the most a TCP length prefix can say), as CoreDNS
   * limits both directions of the service.
   */
  public static final int MAX_DNS_MESSAGE_BYTES = 65_535;

  /**
   * The largest serialized {@code DnsPacket}: a DNS message of {@link #MAX_DNS_MESSAGE_BYTES} with
   * its one-byte tag and three-byte length, CoreDNS's {@code maxProtobufPayloadBytes}; the limit
   * on gRPC messages in both directions.
   */
  public static final int MAX_PACKET_BYTES = MAX_DNS_MESSAGE_BYTES + 4;

  /** {@code /coredns.dns.DnsService/Query}: a DNS message in, a DNS message out. */
  public static final MethodDescriptor<byte[], byte[]> QUERY = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE_NAME, "Query"))
      .setRequestMarshaller(DnsPacketMarshaller.INSTANCE)
      .setResponseMarshaller(DnsPacketMarshaller.INSTANCE)
      .setSampledToLocalTracing(false)
      .build();

  private static final ServiceDescriptor DESCRIPTOR = ServiceDescriptor.newBuilder(SERVICE_NAME)
      .addMethod(QUERY)
      .build();

  private DnsService() {}

  /**
   * The service definition to add to a gRPC server, with {@code query} handling {@link #QUERY}.
   *
   * @param query the handler of each call, e.g. {@code io.grpc.stub.ServerCalls.asyncUnaryCall(...)}
   * @return the definition for {@code ServerBuilder.addService}
   */
  public static ServerServiceDefinition definition(ServerCallHandler<byte[], byte[]> query) {
    return ServerServiceDefinition.builder(DESCRIPTOR).addMethod(QUERY, query).build();
  }
}
