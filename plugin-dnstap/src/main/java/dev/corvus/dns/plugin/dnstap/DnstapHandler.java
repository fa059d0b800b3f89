package dev.corvus.dns.plugin.dnstap;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Transport;
import dev.corvus.dns.api.tap.ExchangeObserver;
import dev.corvus.dns.plugin.dnstap.DnstapEncoder.MessageType;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Message;

/**
 * Taps a query as CoreDNS's dnstap handler does: CLIENT_QUERY when the query reaches it (before
 * any plugin after it, so a forwarder's messages come after it), CLIENT_RESPONSE once the
 * response was written, and the exchanges later plugins report ({@code forward}: FORWARDER_QUERY
 * and FORWARDER_RESPONSE). Encoding happens on the query's thread; sending never does.
 * Explanations are not tapped.
 */
final class DnstapHandler implements Handler {

  private final DnstapConfig config;
  private final FrameStreamWriter writer;
  private final Clock clock;

  DnstapHandler(DnstapConfig config, FrameStreamWriter writer, Clock clock) {
    this.config = config;
    this.writer = writer;
    this.clock = clock;
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    if (chain.explaining()) {
      return chain.proceed(request);
    }
    Instant queryTime = clock.instant();
    boolean tcp = isStream(request.transport());
    InetSocketAddress client = request.client();
    writer.offer(
        DnstapEncoder.encode(
            config.identity(), config.version(), extra(request), MessageType.CLIENT_QUERY, tcp,
            client.getAddress(), client.getPort(), null, 0, queryTime, null,
            config.full() ? request.message().toWire() : null, null));
    request.context().onWritten((response, wireBytes) -> {
      if (response != null) {
        writer.offer(
            DnstapEncoder.encode(
                config.identity(), config.version(), extra(request), MessageType.CLIENT_RESPONSE, tcp,
                client.getAddress(), client.getPort(), null, 0, queryTime, clock.instant(),
                null, config.full() ? response.toWire() : null));
      }
    });
    ExchangeObserver.attach(request.context(), (role, plugin, server, streamed, query) -> {
      Instant sentAt = clock.instant();
      MessageType[] types = types(role);
      // CoreDNS's forward taps with the upstream as response address and its own socket, when
      // known, as query address; Corvus's exchanges do not report the local socket.
      writer.offer(
          DnstapEncoder.encode(
              config.identity(), config.version(), extra(request), types[0], streamed,
              null, 0, server.getAddress(), server.getPort(), sentAt, null,
              config.full() ? query : null, null));
      return (response, error) -> {
        if (response != null) {
          writer.offer(
              DnstapEncoder.encode(
                  config.identity(), config.version(), extra(request), types[1], streamed,
                  null, 0, server.getAddress(), server.getPort(), sentAt, clock.instant(),
                  null, config.full() ? response.toWire() : null));
        }
      };
    });
    return chain.proceed(request);
  }

  /** As CoreDNS, the extra field is rendered for each message, so metadata published meanwhile shows. */
  private byte[] extra(Request request) {
    return config.extra() == null ? null : config.extra().render(request);
  }

  private static MessageType[] types(ExchangeObserver.Role role) {
    return switch (role) {
      case FORWARDER -> new MessageType[] {MessageType.FORWARDER_QUERY, MessageType.FORWARDER_RESPONSE};
      case RESOLVER -> new MessageType[] {MessageType.RESOLVER_QUERY, MessageType.RESOLVER_RESPONSE};
      case STUB -> new MessageType[] {MessageType.STUB_QUERY, MessageType.STUB_RESPONSE};
      case AUTH -> new MessageType[] {MessageType.AUTH_QUERY, MessageType.AUTH_RESPONSE};
    };
  }

  /** CoreDNS writes UDP or TCP from the client's address type; TLS, DoH and gRPC count as TCP. */
  private static boolean isStream(Transport transport) {
    return "tcp".equals(transport.protocolLabel());
  }
}
