package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.api.Chain;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * The lines the forward handler adds to an explanation ({@code corvus explain}). Exists only for
 * explained queries, so the strings are built only then.
 */
final class ExplainNotes {

  private final Chain chain;

  ExplainNotes(Chain chain) {
    this.chain = chain;
  }

  /** The policy's order for this query, with the state of the first choice. */
  void chose(Policy policy, List<Upstream> order) {
    if (order.isEmpty()) {
      chain.note("policy " + policy.keyword() + ": no upstream to choose (no TO has an address yet)");
      return;
    }
    Upstream first = order.get(0);
    StringBuilder line = new StringBuilder("policy ").append(policy.keyword()).append(": chose ");
    line.append(first).append(" (").append(state(first)).append(')');
    if (order.size() > 1) {
      line.append(", then ")
          .append(order.subList(1, order.size()).stream().map(Upstream::toString).collect(Collectors.joining(", ")));
    }
    chain.note(line.toString());
  }

  void skippedDown(Upstream upstream) {
    chain.note(upstream + " is down (" + upstream.consecutiveFails() + " consecutive fails), skipped");
  }

  void allDown(List<Upstream> order, boolean failfast, Upstream random) {
    String names = order.stream().map(Upstream::toString).collect(Collectors.joining(", "));
    chain.note(
        "all upstreams down: "
            + names
            + (failfast ? "; failfast_all_unhealthy_upstreams: giving up" : "; trying " + random + " anyway"));
  }

  void answered(Upstream upstream, UpstreamProtocol protocol, Message answer, long nanos) {
    chain.note(upstream + " over " + name(protocol) + " answered " + Rcode.string(answer.getRcode()) + " in " + millis(nanos));
  }

  void truncated(Upstream upstream) {
    chain.note(upstream + " answer over udp is truncated: asking again over tcp");
  }

  void failedOver(Upstream upstream, int rcode) {
    chain.note("failover " + Rcode.string(rcode) + ": trying the next upstream after " + upstream);
  }

  void failed(Upstream upstream, UpstreamProtocol protocol, Throwable cause, long nanos, boolean moreAttempts) {
    chain.note(
        upstream
            + " over "
            + name(protocol)
            + " failed after "
            + millis(nanos)
            + ": "
            + withoutLabel(upstream, cause.getMessage())
            + (moreAttempts ? "; next attempt" : ""));
  }

  void outOfAttempts(String why) {
    chain.note("no answer: " + why);
  }

  void passedOn(int rcode) {
    chain.note("next " + Rcode.string(rcode) + ": passing on");
  }

  void passedOnNodata() {
    chain.note("next_on_nodata: NOERROR without answer records, passing on");
  }

  void rejected(int maxConcurrent) {
    chain.note("max_concurrent " + maxConcurrent + " reached: REFUSED");
  }

  /** The upstream's exceptions start with its label, which the note already names. */
  private static String withoutLabel(Upstream upstream, String message) {
    String prefix = upstream.label() + ": ";
    return message != null && message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }

  private static String state(Upstream upstream) {
    return (upstream.isDown() ? "down" : "healthy")
        + ", smoothed rtt "
        + millis(upstream.smoothedRttNanos())
        + ", "
        + upstream.consecutiveFails()
        + " consecutive fails";
  }

  static String name(UpstreamProtocol protocol) {
    return protocol.name().toLowerCase(Locale.ROOT);
  }

  static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
  }
}
