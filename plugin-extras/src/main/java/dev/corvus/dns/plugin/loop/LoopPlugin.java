package dev.corvus.dns.plugin.loop;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.io.IoLoop;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.ReadinessProvider;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * CoreDNS's loop detection without its exit. At start it sends {@code <random>.<random>.ZONE
 * HINFO} through the server (retrying for up to 30 s while that fails); its handler counts the
 * probe each time it passes; a third sighting means the query went out and came back, i.e. a
 * forwarding loop. Then it logs the cause and the fix, reports not ready, and answers every later
 * query that reaches it with SERVFAIL instead of passing it on to {@code forward} — which also
 * breaks the loop the probe is travelling in. Two seconds after the probe was answered without a
 * loop, counting stops, so that a probe replayed later cannot trip it.
 */
final class LoopPlugin implements Plugin, Handler {

  private static final Logger LOG = LoggerFactory.getLogger(LoopPlugin.class);
  static final Duration PROBE_DEADLINE = Duration.ofSeconds(30);
  static final Duration RETRY_DELAY = Duration.ofSeconds(1);
  static final Duration DISABLE_AFTER = Duration.ofSeconds(2);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Name zone;
  private final Name probeName;
  private final PluginContext context;
  private final AtomicInteger seen = new AtomicInteger();
  private final AtomicBoolean looping = new AtomicBoolean();
  private volatile boolean disabled;
  private volatile boolean stopped;
  private volatile IoLoop.Scheduled pending;
  private volatile long deadlineNanos;

  LoopPlugin(Name zone, PluginContext context) {
    this.zone = zone;
    this.context = context;
    this.probeName = probeName(zone);
  }

  private static Name probeName(Name zone) {
    String labels = (RANDOM.nextLong() >>> 2) + "." + (RANDOM.nextLong() >>> 2);
    try {
      return Name.fromString(labels, zone);
    } catch (TextParseException e) {
      throw new IllegalStateException("digits always make a valid label", e);
    }
  }

  /** The probe's name, e.g. {@code 4547991504243258144.3688648895315093531.example.org.}. */
  Name probeName() {
    return probeName;
  }

  /** Whether a loop was detected. */
  boolean loopDetected() {
    return looping.get();
  }

  ReadinessProvider readiness() {
    return new ReadinessProvider() {
      @Override
      public String name() {
        return "loop";
      }

      @Override
      public boolean isReady() {
        return !looping.get();
      }
    };
  }

  @Override
  public Optional<Handler> handler() {
    return Optional.of(this);
  }

  /**
   * Hands the probe to an I/O loop and returns at once: the probe runs the chain as a client's
   * query does (through {@code forward}, or back into this server when there is a loop), which is
   * no work for the thread starting the configuration.
   */
  @Override
  public CompletionStage<Void> start() {
    deadlineNanos = context.ticker().read() + PROBE_DEADLINE.toNanos();
    IoLoop loop = context.ioLoops().next();
    loop.execute(() -> sendProbe(loop));
    return STARTED;
  }

  @Override
  public void stop() {
    stopped = true;
    IoLoop.Scheduled task = pending;
    if (task != null) {
      task.cancel();
    }
  }

  private void sendProbe(IoLoop loop) {
    if (stopped) {
      return;
    }
    Message query = Message.newQuery(Record.newRecord(probeName, Type.HINFO, DClass.IN));
    seen.set(0);
    context.resolver().resolve(query).whenComplete((response, failure) -> {
      if (stopped) {
        return;
      }
      if (failure == null) {
        pending = loop.schedule(() -> disabled = true, DISABLE_AFTER.toNanos());
      } else if (context.ticker().read() - deadlineNanos < 0) {
        pending = loop.schedule(() -> sendProbe(loop), RETRY_DELAY.toNanos());
      } else {
        disabled = true;
      }
    });
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    if (looping.get()) {
      return Responses.completedError(request, Rcode.SERVFAIL);
    }
    if (!disabled && request.qtype() == Type.HINFO && request.qname().equals(probeName)
        && seen.incrementAndGet() > 2 && looping.compareAndSet(false, true)) {
      report(request);
      return Responses.completedError(request, Rcode.SERVFAIL);
    }
    return chain.proceed(request);
  }

  private void report(Request request) {
    LOG.error(
        "Loop ({} -> {}) detected for zone \"{}\", see https://coredns.io/plugins/loop#troubleshooting."
            + " Query: \"HINFO {}\". The probe sent through this server came back to it: a forward"
            + " in this server block reaches this server again, most often because it forwards to a"
            + " local address (127.0.0.1, ::1, 127.0.0.53) or to a resolv.conf that lists a local stub"
            + " resolver such as systemd-resolved. Fix: forward to the real upstream servers (on"
            + " Kubernetes, give kubelet --resolv-conf=/run/systemd/resolve/resolv.conf). Until then"
            + " this server block answers SERVFAIL instead of forwarding, and the server reports not"
            + " ready; it does not exit.",
        request.client().getAddress().getHostAddress() + ":" + request.client().getPort(),
        context.serverLabel(), zone, probeName);
  }
}
