package dev.corvus.dns.plugin.acl;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.DnsException;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.QueryContext;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.metrics.Counter;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * One {@code acl} directive: the first policy that matches the query's type and source address
 * decides; no match lets the query through to the next acl directive and the rest of the chain.
 * An explicit {@code allow} also settles the query for the acl directives after this one, as it
 * ends CoreDNS's rule loop.
 */
final class AclHandler implements Handler {

  /** Set once an {@code allow} policy let this query through. */
  static final QueryContext.Key<Boolean> ALLOWED = new QueryContext.Key<>("acl.allowed");

  /** The payload size CoreDNS advertises on its blocked and filtered answers. */
  private static final int PAYLOAD_SIZE = 4096;

  private final List<Name> zones;
  private final List<Policy> policies;
  private final String server;
  private final Counter blocked;
  private final Counter filtered;
  private final Counter allowed;
  private final Counter dropped;

  AclHandler(List<Name> zones, List<Policy> policies, String server, AclMetrics metrics) {
    this.zones = List.copyOf(zones);
    this.policies = List.copyOf(policies);
    this.server = server;
    this.blocked = metrics.blocked();
    this.filtered = metrics.filtered();
    this.allowed = metrics.allowed();
    this.dropped = metrics.dropped();
  }

  /** The counters CoreDNS's acl exports. */
  record AclMetrics(Counter blocked, Counter filtered, Counter allowed, Counter dropped) {}

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    Name zone = Names.longestMatch(request.qname(), zones);
    if (zone == null || Boolean.TRUE.equals(request.context().get(ALLOWED))) {
      return chain.proceed(request);
    }
    Policy.Action action = decide(request.qtype(), request.client().getAddress());
    if (action == null) {
      // no policy of this directive matched: later acl directives still decide (CoreDNS's rule loop)
      count(chain, allowed.labels(server, ""));
      return chain.proceed(request);
    }
    String zoneLabel = Names.lowerCase(zone);
    switch (action) {
      case DROP -> {
        count(chain, dropped.labels(server, zoneLabel, ""));
        return CompletableFuture.failedFuture(DnsException.drop("acl: dropped " + request));
      }
      case BLOCK -> {
        count(chain, blocked.labels(server, zoneLabel, ""));
        return Responses.completed(withExtendedError(Responses.error(request, Rcode.REFUSED), ExtendedErrorCodeOption.BLOCKED));
      }
      case FILTER -> {
        count(chain, filtered.labels(server, zoneLabel, ""));
        return Responses.completed(withExtendedError(Responses.reply(request), ExtendedErrorCodeOption.FILTERED));
      }
      default -> {
        request.context().put(ALLOWED, true);
        count(chain, allowed.labels(server, ""));
        return chain.proceed(request);
      }
    }
  }

  /** Counts a decision, except for explanations, which leave metrics unchanged. */
  private static void count(Chain chain, Counter.Child counter) {
    if (!chain.explaining()) {
      counter.inc();
    }
  }

  /** The action of the first matching policy, or {@code null} when none matches. */
  private Policy.Action decide(int qtype, InetAddress source) {
    for (Policy policy : policies) {
      if (policy.matches(qtype, source)) {
        return policy.action();
      }
    }
    return null;
  }

  /** RFC 8914 extended DNS error; it reaches clients that sent EDNS0. */
  private static Message withExtendedError(Message response, int code) {
    response.addRecord(new OPTRecord(PAYLOAD_SIZE, 0, 0, 0, List.of(new ExtendedErrorCodeOption(code))), Section.ADDITIONAL);
    return response;
  }
}
