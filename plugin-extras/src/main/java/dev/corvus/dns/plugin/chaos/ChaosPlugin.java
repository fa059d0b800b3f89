package dev.corvus.dns.plugin.chaos;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.plugin.Plugin;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Answers CH TXT queries for the server's identity; anything else goes on. The host name is
 * looked up once at start, in the background, never on the I/O thread.
 */
final class ChaosPlugin implements Plugin, Handler {

  private final ChaosConfig config;
  private final Executor background;
  private volatile String hostname = "localhost";

  /**
   * @param background where the host name is looked up: a lookup may wait on the resolver, and
   *     {@link #start()} must not
   */
  ChaosPlugin(ChaosConfig config, Executor background) {
    this.config = config;
    this.background = background;
  }

  @Override
  public Optional<Handler> handler() {
    return Optional.of(this);
  }

  /** Completes once the host name is known, so that the first hostname.bind answer carries it. */
  @Override
  public CompletionStage<Void> start() {
    return CompletableFuture.runAsync(() -> {
      try {
        hostname = ChaosFactory.trim(InetAddress.getLocalHost().getHostName());
      } catch (UnknownHostException e) {
        hostname = "localhost"; // CoreDNS's fallback when the host name is unknown
      }
    }, background);
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    if (request.qclass() != DClass.CH || request.qtype() != Type.TXT) {
      return chain.proceed(request);
    }
    List<String> texts;
    switch (request.lowerName()) {
      case "version.bind.", "version.server." -> texts = List.of(config.version());
      case "hostname.bind.", "id.server." -> texts = List.of(hostname);
      case "authors.bind." -> {
        // CoreDNS lists the authors in random order
        List<String> shuffled = new ArrayList<>(config.authors());
        Collections.shuffle(shuffled);
        texts = shuffled;
      }
      default -> {
        return chain.proceed(request);
      }
    }
    Message response = Responses.reply(request);
    for (String text : texts) {
      response.addRecord(new TXTRecord(request.qname(), DClass.CH, 0, text), Section.ANSWER);
    }
    return Responses.completed(response);
  }
}
