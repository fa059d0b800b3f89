package dev.corvus.dns.plugin.acl;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.DnsException;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.QueryContext;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.metrics.Counter;
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
 *
 * <p>It runs for every query of its block, so everything a decision needs is prepared when the
 * directive is read: the zones as {@link Name}s, each policy's types as a bit set and networks as
 * {@link dev.corvus.dns.api.net.Cidr}s, the metric children per zone (fetched on first use), the
 * drop signal. Per query it reads the client's address bytes once (only when a policy has a
 * {@code net} section) and allocates nothing else but the response it answers with.
 */
final class AclHandler implements Handler {

  /** Set once an {@code allow} policy let this query through. */
  static final QueryContext.Key<Boolean> ALLOWED = new QueryContext.Key<>("acl.allowed");

  /** The payload size CoreDNS advertises on its blocked and filtered answers. */
  private static final int PAYLOAD_SIZE = 4096;

  /** CoreDNS has views; Corvus has none, so the label is always empty. */
  private static final String VIEW = "";

  private final Name[] zones;
  private final Policy[] policies;
  private final boolean needsAddress;
  private final LazyChild[] blocked;
  private final LazyChild[] filtered;
  private final LazyChild[] dropped;
  private final LazyChild allowed;
  /** Stackless and immutable, so one instance serves every dropped query. */
  private final DnsException drop = DnsException.drop("acl: dropped");

  AclHandler(List<Name> zones, List<Policy> policies, String server, AclMetrics metrics) {
    this.zones = zones.toArray(Name[]::new);
    this.policies = policies.toArray(Policy[]::new);
    this.needsAddress = policies.stream().anyMatch(Policy::needsAddress);
    this.blocked = new LazyChild[this.zones.length];
    this.filtered = new LazyChild[this.zones.length];
    this.dropped = new LazyChild[this.zones.length];
    for (int i = 0; i < this.zones.length; i++) {
      String zone = Names.lowerCase(this.zones[i]);
      blocked[i] = new LazyChild(metrics.blocked(), server, zone, VIEW);
      filtered[i] = new LazyChild(metrics.filtered(), server, zone, VIEW);
      dropped[i] = new LazyChild(metrics.dropped(), server, zone, VIEW);
    }
    this.allowed = new LazyChild(metrics.allowed(), server, VIEW);
  }

  /** The counters CoreDNS's acl exports. */
  record AclMetrics(Counter blocked, Counter filtered, Counter allowed, Counter dropped) {}

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    int zone = longestMatch(request.qname());
    if (zone < 0 || request.context().get(ALLOWED) != null) {
      return chain.proceed(request);
    }
    Policy policy = decide(request);
    boolean explaining = chain.explaining();
    if (explaining) {
      chain.note(policy == null ? "no policy matched: passed on" : "policy \"" + policy + "\" matched");
    }
    if (policy == null) {
      // no policy of this directive matched: later acl directives still decide (CoreDNS's rule loop)
      count(explaining, allowed);
      return chain.proceed(request);
    }
    switch (policy.action()) {
      case DROP -> {
        count(explaining, dropped[zone]);
        return CompletableFuture.failedFuture(drop);
      }
      case BLOCK -> {
        count(explaining, blocked[zone]);
        return Responses.completed(withExtendedError(Responses.error(request, Rcode.REFUSED), ExtendedErrorCodeOption.BLOCKED));
      }
      case FILTER -> {
        count(explaining, filtered[zone]);
        return Responses.completed(withExtendedError(Responses.reply(request), ExtendedErrorCodeOption.FILTERED));
      }
      default -> {
        request.context().put(ALLOWED, Boolean.TRUE);
        count(explaining, allowed);
        return chain.proceed(request);
      }
    }
  }

  /** The index of the longest zone holding {@code qname}, or -1 (as {@link Names#longestMatch}, without an iterator). */
  private int longestMatch(Name qname) {
    int best = -1;
    for (int i = 0; i < zones.length; i++) {
      if (qname.subdomain(zones[i]) && (best < 0 || zones[i].labels() > zones[best].labels())) {
        best = i;
      }
    }
    return best;
  }

  /** The first matching policy, or {@code null} when none matches. */
  private Policy decide(Request request) {
    byte[] source = needsAddress ? request.client().getAddress().getAddress() : null;
    int qtype = request.qtype();
    for (Policy policy : policies) {
      if (policy.matches(qtype, source)) {
        return policy;
      }
    }
    return null;
  }

  /** Counts a decision, except for explanations, which leave metrics unchanged. */
  private static void count(boolean explaining, LazyChild counter) {
    if (!explaining) {
      counter.inc();
    }
  }

  /** RFC 8914 extended DNS error; it reaches clients that sent EDNS0. */
  private static Message withExtendedError(Message response, int code) {
    response.addRecord(new OPTRecord(PAYLOAD_SIZE, 0, 0, 0, List.of(new ExtendedErrorCodeOption(code))), Section.ADDITIONAL);
    return response;
  }

  /**
   * A counter child fetched at its first increment: a label set appears on {@code /metrics} once
   * something was counted under it, as CoreDNS's counter vectors do, and is looked up only once.
   */
  private static final class LazyChild {
    private final Counter counter;
    private final String[] labels;
    private volatile Counter.Child child;

    LazyChild(Counter counter, String... labels) {
      this.counter = counter;
      this.labels = labels;
    }

    void inc() {
      Counter.Child c = child;
      if (c == null) {
        c = counter.labels(labels); // idempotent: a race fetches the same child twice
        child = c;
      }
      c.inc();
    }
  }
}
