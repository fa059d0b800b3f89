package dev.corvus.dns.server.lifecycle;

import dev.corvus.dns.api.capability.Explanation;
import dev.corvus.dns.api.plugin.Inspector;
import dev.corvus.dns.api.capability.ServerControl;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Message;

/**
 * The {@link ServerControl} handed to the configuration builder before the {@link ServerRuntime}
 * it controls exists (the runtime needs the builder); bound once the runtime is built.
 */
public final class LateBoundControl implements ServerControl {

  private volatile ServerControl target;

  /** Binds this control to {@code runtime}; call once, before the runtime starts. */
  public void bind(ServerRuntime runtime) {
    this.target = runtime.control();
  }

  private ServerControl target() {
    ServerControl bound = target;
    if (bound == null) {
      throw new IllegalStateException("the server runtime is not built yet");
    }
    return bound;
  }

  @Override
  public ConfigSource configSource() {
    return target().configSource();
  }

  @Override
  public CompletionStage<Void> reload() {
    return target().reload();
  }

  @Override
  public ConfigStatus status() {
    return target().status();
  }

  @Override
  public List<Inspector> inspectors() {
    return target().inspectors();
  }

  @Override
  public CompletionStage<Explanation> explain(Message query, InetSocketAddress client) {
    return target().explain(query, client);
  }
}
