package dev.corvus.dns.plugin.nsid;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.plugin.Plugin;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSIDOption;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;

/**
 * Puts the configured identifier in an NSID option of the response when the query carried an
 * NSID option, replacing an NSID the rest of the chain set. Without configured data the host
 * name is looked up at start, in the background, never on an I/O thread.
 */
final class NsidPlugin implements Plugin, Handler {

  private final String configured;
  private final Executor background;
  private volatile byte[] data;

  /**
   * @param configured the identifier, or {@code null} for the host name
   * @param background where the host name is looked up: a lookup may wait on the resolver, and
   *     {@link #start()} must not
   */
  NsidPlugin(String configured, Executor background) {
    this.configured = configured;
    this.background = background;
    this.data = configured == null ? "localhost".getBytes(StandardCharsets.UTF_8) : configured.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public Optional<Handler> handler() {
    return Optional.of(this);
  }

  /** Completes once the host name is known, so that the first response carries it. */
  @Override
  public CompletionStage<Void> start() {
    if (configured != null) {
      return STARTED;
    }
    return CompletableFuture.runAsync(() -> {
      try {
        data = InetAddress.getLocalHost().getHostName().getBytes(StandardCharsets.UTF_8);
      } catch (UnknownHostException e) {
        data = "localhost".getBytes(StandardCharsets.UTF_8); // CoreDNS's fallback
      }
    }, background);
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    OPTRecord opt = request.opt();
    if (opt == null || opt.getOptions(EDNSOption.Code.NSID).isEmpty()) {
      return chain.proceed(request);
    }
    byte[] id = data;
    return chain.proceed(request).thenApply(response -> withNsid(response, opt, id));
  }

  private static Message withNsid(Message response, OPTRecord queryOpt, byte[] id) {
    Message copy = response.clone();
    OPTRecord existing = copy.getOPT();
    List<EDNSOption> options = new ArrayList<>();
    if (existing != null) {
      copy.removeRecord(existing, Section.ADDITIONAL);
      for (EDNSOption option : existing.getOptions()) {
        if (option.getCode() != EDNSOption.Code.NSID) {
          options.add(option);
        }
      }
    }
    options.add(new NSIDOption(id));
    OPTRecord opt = existing != null
        ? new OPTRecord(existing.getPayloadSize(), existing.getExtendedRcode(), existing.getVersion(), existing.getFlags(), options)
        : new OPTRecord(queryOpt.getPayloadSize(), 0, 0, 0, options);
    copy.addRecord(opt, Section.ADDITIONAL);
    return copy;
  }
}
