package dev.corvus.dns.server.fuzz;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.DnsException;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.config.Location;
import dev.corvus.dns.server.corefile.Scheme;
import dev.corvus.dns.server.corefile.ServerKey;
import dev.corvus.dns.server.routing.Pipeline;
import dev.corvus.dns.server.routing.ServerRoute;
import dev.corvus.dns.server.routing.ZoneRouter;
import dev.corvus.dns.server.transport.QueryExecutor;
import dev.corvus.dns.server.transport.RouteTable;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * A listener's routes as the packet fuzz target sees them: server blocks answering from memory in
 * every shape the executor has to finish (plain, large enough to truncate, pre-encoded, with an OPT
 * record of their own), failing in every way a chain can fail, answering later, and a reverse zone
 * cut off an octet boundary. The qtype picks the shape, the zone the block.
 *
 * <p>Not thread-safe: one fuzz target drives it from one thread.
 */
final class FuzzRoutes {

  private static final Location WHERE = new Location("<fuzz>", 1);
  private static final int TTL = 30;

  private final List<Runnable> pending = new ArrayList<>();
  private final RouteTable table;

  FuzzRoutes() {
    Handler passOn = chain -> chain.proceed(chain.request());
    Handler memory = FuzzRoutes::fromMemory;
    this.table = new RouteTable(new ZoneRouter(List.of(
        route(".", null, new Pipeline.Step("log", passOn), new Pipeline.Step("memory", memory)),
        route("fail.example.", null, new Pipeline.Step("fail", FuzzRoutes::failing)),
        route("later.example.", null, new Pipeline.Step("later", this::later)),
        route("nonext.example.", null, new Pipeline.Step("log", passOn)),
        route("10.in-addr.arpa.", "10.0.0.0/17", new Pipeline.Step("memory", memory)),
        route("d.f.ip6.arpa.", "fd80::/9", new Pipeline.Step("memory", memory)))),
        new QueryExecutor.InFlight() {
          @Override
          public void enter() {}

          @Override
          public void leave() {}
        });
  }

  /** The routes, as a listener hands them to the executor. */
  RouteTable table() {
    return table;
  }

  /** Answers the queries whose handler deferred its answer, as an upstream would later. */
  void completePending() {
    List<Runnable> due = new ArrayList<>(pending);
    pending.clear();
    due.forEach(Runnable::run);
  }

  private static ServerRoute route(String zone, String network, Pipeline.Step... steps) {
    ServerKey key = new ServerKey(Scheme.DNS, Name.fromConstantString(zone), 53, network, WHERE);
    return new ServerRoute(key, new Pipeline(List.of(steps)), "dns://:53");
  }

  private static CompletionStage<Message> fromMemory(Chain chain) {
    Request request = chain.request();
    Name name = request.qname();
    switch (request.qtype()) {
      case Type.A:
        return Responses.completed(Responses.answer(request, new ARecord(name, DClass.IN, TTL, address("192.0.2.1"))));
      case Type.AAAA:
        return Responses.completed(Responses.answer(request, new AAAARecord(name, DClass.IN, TTL, address("2001:db8::1"))));
      case Type.TXT: {
        // Larger than any EDNS0 payload a client offers below 8 KiB: over UDP it must truncate.
        List<Record> texts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          texts.add(new TXTRecord(name, DClass.IN, TTL, i + "-" + "x".repeat(200)));
        }
        return Responses.completed(Responses.answer(request, texts.toArray(Record[]::new)));
      }
      case Type.MX: {
        Message answer = Responses.answer(request, new MXRecord(name, DClass.IN, TTL, 10, name));
        return Responses.completed(Responses.preEncoded(request, answer, answer.toWire()));
      }
      case Type.SRV: {
        // A handler's own OPT record: an extended rcode and an option for the server to mirror.
        Message answer = Responses.reply(request);
        List<EDNSOption> options = List.of(new GenericEDNSOption(65001, new byte[] {1, 2, 3}));
        answer.addRecord(new OPTRecord(4096, Rcode.BADCOOKIE >>> 4, 0, 0, options), Section.ADDITIONAL);
        answer.getHeader().setRcode(Rcode.BADCOOKIE & 0xf);
        return Responses.completed(answer);
      }
      default:
        return Responses.completed(Responses.reply(request));
    }
  }

  private static CompletionStage<Message> failing(Chain chain) {
    Request request = chain.request();
    switch (request.qtype()) {
      case Type.A:
        throw new IllegalStateException("a handler bug");
      case Type.AAAA:
        return CompletableFuture.failedFuture(new DnsException(Rcode.REFUSED, "refused by policy"));
      case Type.TXT:
        throw DnsException.drop("dropped by policy");
      case Type.MX:
        return null;
      default:
        return CompletableFuture.failedFuture(new IllegalStateException("an upstream failure"));
    }
  }

  private CompletionStage<Message> later(Chain chain) {
    Request request = chain.request();
    CompletableFuture<Message> answer = new CompletableFuture<>();
    if (request.qtype() == Type.A) {
      pending.add(() -> answer.complete(
          Responses.answer(request, new ARecord(request.qname(), DClass.IN, TTL, address("192.0.2.2")))));
    } else {
      pending.add(() -> answer.completeExceptionally(new DnsException(Rcode.SERVFAIL, "upstream timed out")));
    }
    return answer;
  }

  private static InetAddress address(String literal) {
    return Names.parseAddressLiteral(literal);
  }
}
