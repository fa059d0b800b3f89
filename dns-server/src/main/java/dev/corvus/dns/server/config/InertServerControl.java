package dev.corvus.dns.server.config;

import dev.corvus.dns.api.capability.Explanation;
import dev.corvus.dns.api.plugin.Inspector;
import dev.corvus.dns.api.capability.ServerControl;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Message;

/** The server control of commands that build a configuration without serving it (check, doctor). */
final class InertServerControl implements ServerControl {

  @Override
  public ConfigSource configSource() {
    return new ConfigSource(List.of(), "");
  }

  @Override
  public CompletionStage<Void> reload() {
    return notServing();
  }

  @Override
  public ConfigStatus status() {
    return new ConfigStatus(configSource(), Instant.EPOCH, Optional.empty());
  }

  @Override
  public List<Inspector> inspectors() {
    return List.of();
  }

  @Override
  public CompletionStage<Explanation> explain(Message query, InetSocketAddress client) {
    return notServing();
  }

  private static <T> CompletionStage<T> notServing() {
    return CompletableFuture.failedFuture(new IllegalStateException("this command does not serve"));
  }
}
