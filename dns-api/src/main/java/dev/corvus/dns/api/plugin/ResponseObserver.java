package dev.corvus.dns.api.plugin;

import dev.corvus.dns.api.Request;
import org.xbill.DNS.Message;

/**
 * Told about every response the server writes for its server block's queries, whichever handler
 * produced it (a cache hit included). For statistics that must see all traffic, such as the
 * kubernetes plugin's search-path counting. Runs on the I/O thread of the query after the response
 * was sent (also when the chain ran past the server's deadline):
 * it must be quick, must not block and must not modify the messages. Explanations and the
 * server's own internal queries are not observed.
 */
@FunctionalInterface
public interface ResponseObserver {

  /**
   * @param request the query as the client sent it (before any handler rewrote it)
   * @param response the response as sent
   */
  void observe(Request request, Message response);
}
