package dev.corvus.dns.server.config;

import dev.corvus.dns.api.plugin.Resolver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Message;

/**
 * The {@link Resolver} plugins of one configuration receive while it is built; it resolves
 * through that configuration once the server {@linkplain #bind binds} it.
 */
public final class ResolverSlot implements Resolver {

  private volatile Resolver target;

  /** Directs queries to {@code resolver}. */
  public void bind(Resolver resolver) {
    this.target = resolver;
  }

  @Override
  public CompletionStage<Message> resolve(Message query) {
    Resolver resolver = target;
    if (resolver == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("the configuration is not started yet"));
    }
    return resolver.resolve(query);
  }
}
