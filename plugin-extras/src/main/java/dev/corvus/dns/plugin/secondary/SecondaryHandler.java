package dev.corvus.dns.plugin.secondary;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.plugin.file.FileHandler;
import dev.corvus.dns.plugin.file.ZoneData;
import dev.corvus.dns.plugin.file.ZoneTable;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;

/**
 * Answers from the transferred copies as {@code file} does; SERVFAIL for a zone without a copy yet
 * or whose copy expired. A NOTIFY (RFC 1996) from a primary is acknowledged and starts a check of
 * the serial; one from anyone else is refused.
 */
final class SecondaryHandler implements Handler {

  private final SecondaryConfig config;
  private final ZoneTable table;
  private final Map<Name, SecondaryPlugin.ZoneState> states;
  private final PluginContext context;
  private final Consumer<Name> notified;
  private final FileHandler answers;

  SecondaryHandler(SecondaryConfig config, ZoneTable table, Map<Name, SecondaryPlugin.ZoneState> states,
      PluginContext context, Consumer<Name> notified) {
    this.config = config;
    this.table = table;
    this.states = states;
    this.context = context;
    this.notified = notified;
    this.answers = new FileHandler(config.fallthrough(), table, context.resolver());
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    Name zone = Names.longestMatch(request.qname(), config.zones());
    if (zone == null) {
      return chain.proceed(request);
    }
    if (request.message().getHeader().getOpcode() == Opcode.NOTIFY) {
      if (!fromPrimary(request)) {
        chain.note("NOTIFY from " + request.client().getAddress().getHostAddress() + ", not a primary");
        return Responses.completedError(request, Rcode.REFUSED);
      }
      if (!chain.explaining()) {
        notified.accept(zone);
      }
      Message ack = Responses.reply(request);
      ack.getHeader().setFlag(Flags.AA);
      return Responses.completed(ack);
    }
    ZoneData copy = table.zone(zone);
    SecondaryPlugin.ZoneState state = states.get(zone);
    if (copy == null || state.expired) {
      chain.note(copy == null ? "no copy of " + zone + " transferred yet" : "the copy of " + zone + " expired");
      return Responses.completedError(request, Rcode.SERVFAIL);
    }
    if (chain.explaining()) {
      long ago = TimeUnit.NANOSECONDS.toSeconds(context.ticker().read() - state.refreshedNanos);
      chain.note("served from secondary copy, serial " + copy.serial() + ", refreshed " + ago + " s ago");
    }
    return answers.handle(chain);
  }

  private boolean fromPrimary(Request request) {
    for (InetSocketAddress primary : config.primaries()) {
      if (primary.getAddress().equals(request.client().getAddress())) {
        return true;
      }
    }
    return false;
  }
}
