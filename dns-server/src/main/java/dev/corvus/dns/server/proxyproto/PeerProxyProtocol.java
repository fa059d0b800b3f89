package dev.corvus.dns.server.proxyproto;

import dev.corvus.dns.api.listener.ProxyProtocol;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The PROXY protocol of one peer for the listeners plugins provide ({@code https://}, {@code
 * quic://}, {@code https3://}): the same reading and policy as the server's own TCP and UDP
 * listeners, refusals counted in the same counters.
 */
public final class PeerProxyProtocol implements ProxyProtocol {

  private static final Result NO_HEADER = new Result(Outcome.ACCEPT, 0, Optional.empty());
  private static final Result INCOMPLETE = new Result(Outcome.INCOMPLETE, 0, Optional.empty());
  private static final Result REFUSE = new Result(Outcome.REFUSE, 0, Optional.empty());
  /** The most a stream may send before its header is whole (a v2 header's largest size). */
  private static final int MAX_STREAM_HEADER = ProxyHeader.V2_FIXED + 65535;

  private final ProxyPolicy.Action action;
  private final ProxyCounters tcp;
  private final ProxyCounters udp;

  /**
   * @param action the policy for the peer, not {@link ProxyPolicy.Action#SKIP}
   * @param tcp the refusal counters of connections
   * @param udp the refusal counters of datagrams
   */
  public PeerProxyProtocol(ProxyPolicy.Action action, ProxyCounters tcp, ProxyCounters udp) {
    this.action = action;
    this.tcp = tcp;
    this.udp = udp;
  }

  @Override
  public Result readStream(ByteBuffer start) {
    ProxyHeader.Parse parsed = ProxyHeader.parse(start);
    switch (parsed.kind()) {
      case ABSENT:
        return NO_HEADER;
      case INCOMPLETE:
        if (start.remaining() > MAX_STREAM_HEADER) {
          tcp.invalid().inc();
          return REFUSE;
        }
        return INCOMPLETE;
      case HEADER:
        return accepted(parsed.header(), tcp);
      default:
        tcp.invalid().inc();
        return REFUSE;
    }
  }

  @Override
  public Result readDatagram(ByteBuffer datagram) {
    ProxyHeader.Parse parsed = ProxyHeader.parse(datagram);
    switch (parsed.kind()) {
      case ABSENT:
        return NO_HEADER;
      case HEADER:
        ProxyHeader header = parsed.header();
        if (action != ProxyPolicy.Action.REJECT) {
          // As CoreDNS over UDP: version 2 naming a UDP client (or LOCAL: the peer is the
          // client, as over the server's own UDP), with a payload after it.
          boolean local = header.source() == null;
          if (header.version() != 2 || !(header.datagram() || local) || header.length() == datagram.remaining()) {
            udp.invalid().inc();
            return REFUSE;
          }
        }
        return accepted(header, udp);
      default:
        udp.invalid().inc();
        return REFUSE;
    }
  }

  private Result accepted(ProxyHeader header, ProxyCounters counters) {
    if (action == ProxyPolicy.Action.REJECT) {
      counters.rejected().inc();
      return REFUSE;
    }
    Optional<InetSocketAddress> client = action == ProxyPolicy.Action.USE
        ? Optional.ofNullable(header.source()) : Optional.empty();
    return new Result(Outcome.ACCEPT, header.length(), client);
  }
}
