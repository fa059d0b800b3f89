package dev.corvus.dns.plugin.secondary;

import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.plugin.file.FileZones;
import dev.corvus.dns.plugin.file.ZoneData;
import dev.corvus.dns.plugin.file.ZoneTable;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Serial;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferException;
import org.xbill.DNS.ZoneTransferIn;

/**
 * The {@code secondary} directive: transfers each zone from the first primary that answers, on a
 * thread of its own (a transfer blocks), serves the copy, checks the primary's SOA serial on the
 * SOA refresh timer (retry timer after a failure) and when a primary sends NOTIFY, transfers
 * again when the serial is newer (RFC 1982), and stops serving a copy that could not be refreshed
 * for the SOA expire time (RFC 1035 §4.3.5). Until the first transfer succeeds it is retried every
 * 10 seconds, as CoreDNS does.
 */
final class SecondaryPlugin implements Plugin {

  private static final Logger log = LoggerFactory.getLogger(SecondaryPlugin.class);

  static final Duration FIRST_RETRY = Duration.ofSeconds(10);
  static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(30);
  static final int SOA_TIMEOUT_MILLIS = 2000;

  private final SecondaryConfig config;
  private final ZoneTable table;
  private final FileZones source;
  private final PluginContext context;
  private final Map<Name, ZoneState> states = new LinkedHashMap<>();
  private final SecondaryHandler handler;
  private ScheduledExecutorService worker;

  /** What is known of one zone's copy; read by the handler, written by the worker. */
  static final class ZoneState {
    volatile long refreshedNanos;
    volatile boolean expired;
    volatile java.util.concurrent.ScheduledFuture<?> next;
    /** A NOTIFY arrived since the current check started: check again right after it. */
    final java.util.concurrent.atomic.AtomicBoolean notifiedSince = new java.util.concurrent.atomic.AtomicBoolean();
  }

  SecondaryPlugin(SecondaryConfig config, ZoneTable table, FileZones source, PluginContext context) {
    this.config = config;
    this.table = table;
    this.source = source;
    this.context = context;
    for (Name zone : config.zones()) {
      states.put(zone, new ZoneState());
    }
    this.handler = new SecondaryHandler(config, table, states, context, this::notified);
  }

  @Override
  public Optional<Handler> handler() {
    return Optional.of(handler);
  }

  @Override
  public CompletionStage<Void> start() {
    worker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "secondary-" + config.zones().get(0));
      thread.setDaemon(true);
      return thread;
    });
    for (Name zone : config.zones()) {
      schedule(zone, Duration.ZERO);
    }
    return STARTED;
  }

  @Override
  public void stop() {
    if (worker != null) {
      worker.shutdownNow();
    }
  }

  /** A NOTIFY from a primary: check the serial now. */
  void notified(Name zone) {
    if (worker != null && !worker.isShutdown()) {
      states.get(zone).notifiedSince.set(true);
      schedule(zone, Duration.ZERO);
    }
  }

  private synchronized void schedule(Name zone, Duration delay) {
    ZoneState state = states.get(zone);
    if (state.next != null) {
      state.next.cancel(false);
    }
    try {
      state.next = worker.schedule(() -> refresh(zone), delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // stopped
    }
  }

  /** Brings one zone up to date and schedules the next check. */
  void refresh(Name zone) {
    ZoneState state = states.get(zone);
    state.notifiedSince.set(false);
    ZoneData current = table.zone(zone);
    SOARecord soa = current == null ? null : current.soa();
    boolean ok = false;
    for (InetSocketAddress primary : config.primaries()) {
      try {
        if (soa != null) {
          long primarySerial = primarySerial(zone, primary);
          if (Serial.compare(primarySerial, soa.getSerial()) <= 0) {
            ok = true;
            break;
          }
        }
        ZoneData copy = transfer(zone, primary);
        if (soa == null || Serial.compare(copy.serial(), soa.getSerial()) > 0) {
          table.put(copy);
          log.info("secondary: transferred zone {} from {} with serial {}", zone, primary, copy.serial());
          source.changed(zone);
        }
        ok = true;
        break;
      } catch (IOException | ZoneTransferException | ZoneData.ZoneFileException | RuntimeException e) {
        log.warn("secondary: transfer of zone {} from {} failed, keeping the {}: {}", zone, primary,
            current == null ? "zone unserved" : "copy with serial " + current.serial(),
            e.getMessage() == null ? e.toString() : e.getMessage());
      }
    }
    long now = context.ticker().read();
    ZoneData served = table.zone(zone);
    if (ok) {
      state.refreshedNanos = now;
      state.expired = false;
    } else if (served != null && now - state.refreshedNanos > TimeUnit.SECONDS.toNanos(served.soa().getExpire())) {
      if (!state.expired) {
        log.error("secondary: zone {} expired: no primary answered for {} s (SOA expire); answering SERVFAIL", zone,
            served.soa().getExpire());
      }
      state.expired = true;
    }
    Duration next;
    if (state.notifiedSince.get()) {
      next = Duration.ZERO; // a NOTIFY came while this check ran; its schedule was replaced below
    } else if (served == null) {
      next = FIRST_RETRY;
    } else {
      // CoreDNS: up to 5 s of jitter on refresh, 2 s on retry
      long seconds = ok ? served.soa().getRefresh() : served.soa().getRetry();
      long jitterMillis = ThreadLocalRandom.current().nextLong(ok ? 5000 : 2000);
      next = Duration.ofSeconds(Math.max(1, seconds)).plusMillis(jitterMillis);
    }
    schedule(zone, next);
  }

  /** The serial the primary serves, asked over UDP. */
  private static long primarySerial(Name zone, InetSocketAddress primary) throws IOException {
    Message query = Message.newQuery(Record.newRecord(zone, Type.SOA, org.xbill.DNS.DClass.IN));
    byte[] wire = query.toWire();
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(SOA_TIMEOUT_MILLIS);
      socket.connect(primary);
      byte[] buffer = new byte[65535];
      for (int attempt = 0; attempt < 3; attempt++) {
        socket.send(new DatagramPacket(wire, wire.length));
        try {
          DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
          socket.receive(packet);
          Message answer = new Message(java.util.Arrays.copyOf(buffer, packet.getLength()));
          if (answer.getHeader().getID() != query.getHeader().getID()) {
            continue;
          }
          if (answer.getRcode() != Rcode.NOERROR) {
            throw new IOException("SOA query answered " + Rcode.string(answer.getRcode()));
          }
          for (Record r : answer.getSection(Section.ANSWER)) {
            if (r instanceof SOARecord s && s.getName().equals(zone)) {
              return s.getSerial();
            }
          }
          throw new IOException("SOA query answered without the zone's SOA");
        } catch (SocketTimeoutException e) {
          // try again
        }
      }
      throw new IOException("no answer to the SOA query");
    }
  }

  private ZoneData transfer(Name zone, InetSocketAddress primary)
      throws IOException, ZoneTransferException, ZoneData.ZoneFileException {
    ZoneTransferIn xfr = ZoneTransferIn.newAXFR(zone, primary, config.tsig());
    xfr.setTimeout(TRANSFER_TIMEOUT);
    xfr.run();
    List<Record> records = xfr.getAXFR();
    return ZoneData.of(zone, records, "transfer of " + zone + " from " + primary);
  }

  /** When each zone was last refreshed, for explanations. */
  Map<Name, ZoneState> states() {
    return states;
  }
}
