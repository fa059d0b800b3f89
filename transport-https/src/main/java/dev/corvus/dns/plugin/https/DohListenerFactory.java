package dev.corvus.dns.plugin.https;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.listener.Listener;
import dev.corvus.dns.api.listener.ListenerFactory;
import dev.corvus.dns.api.listener.ListenerSpec;
import dev.corvus.dns.api.listener.QueryService;
import java.io.IOException;

/**
 * The {@code https://} scheme: DNS over HTTPS (RFC 8484) on HTTP/2 and HTTP/1.1, chosen by ALPN;
 * plain HTTP/1.1 when the block has no {@code tls} (behind a TLS-terminating proxy), as CoreDNS.
 */
@AutoService(ListenerFactory.class)
public final class DohListenerFactory implements ListenerFactory {

  @Override
  public String scheme() {
    return "https";
  }

  @Override
  public Listener bind(ListenerSpec spec, QueryService queries) throws IOException {
    return DohListener.bind(spec, queries, spec.plugin(HttpsSettings.class).orElse(HttpsSettings.DEFAULTS));
  }
}
