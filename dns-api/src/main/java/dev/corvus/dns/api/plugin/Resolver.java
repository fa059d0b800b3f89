package dev.corvus.dns.api.plugin;

import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Message;

/**
 * Sends a query through the server itself, routed like a client's query, with transport {@link
 * dev.corvus.dns.api.Transport#INTERNAL}. The kubernetes plugin resolves ExternalName targets
 * this way, {@code loop} sends its probe, {@code autopath} tries search-path names.
 */
public interface Resolver {

  /**
   * Resolves {@code query} through the current configuration.
   *
   * @return the response; completes exceptionally only when the server is stopped
   */
  CompletionStage<Message> resolve(Message query);
}
