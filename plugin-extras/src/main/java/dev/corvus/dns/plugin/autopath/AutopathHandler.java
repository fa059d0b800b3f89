package dev.corvus.dns.plugin.autopath;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.capability.PodNamespaceLookup;
import dev.corvus.dns.api.metrics.Counter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Server-side search path completion (CoreDNS's {@code autopath}). A query for {@code
 * NAME.FIRST-SEARCH-DOMAIN} is what a client sends first when it walks its search path; this
 * handler walks the rest of the path itself, through the rest of the chain, and returns the first
 * answer that is not NXDOMAIN with a CNAME from the asked name to the name that exists. When every
 * name is NXDOMAIN the first reply is returned and the client walks the path as usual.
 */
final class AutopathHandler implements Handler {

  private final AutopathConfig config;
  private final Supplier<Optional<PodNamespaceLookup>> pods;
  private final Counter success;
  private final String server;

  AutopathHandler(AutopathConfig config, Supplier<Optional<PodNamespaceLookup>> pods, Counter success, String server) {
    this.config = config;
    this.pods = pods;
    this.success = success;
    this.server = server;
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    if (!Names.inAny(request.qname(), config.zones())) {
      return chain.proceed(request);
    }
    List<Name> search = searchPath(request);
    if (search.isEmpty() || !request.qname().subdomain(search.get(0))) {
      if (chain.explaining()) {
        chain.note(search.isEmpty() ? "no search path known for client " + request.client().getAddress().getHostAddress()
            + ": passed on" : "not under the first search domain " + search.get(0) + ": passed on");
      }
      return chain.proceed(request);
    }
    Name base = relativize(request.qname(), search.get(0));
    List<Name> candidates = new ArrayList<>();
    for (Name domain : search) {
      Name candidate = base == null ? domain : concatenate(base, domain);
      if (candidate != null) {
        candidates.add(candidate);
      }
    }
    if (base != null) {
      candidates.add(concatenate(base, Name.root)); // the name as given, tried last (CoreDNS's sentinel)
    }
    if (chain.explaining()) {
      chain.note("search path " + search + ": tries " + candidates + " in turn, first non-NXDOMAIN wins");
    }
    return tryFrom(chain, request, candidates, 0, null);
  }

  /** The search path for this client: the resolv.conf's, or its pod namespace's. */
  private List<Name> searchPath(Request request) {
    if (!config.fromKubernetes()) {
      return config.search();
    }
    Optional<PodNamespaceLookup> lookup = pods.get();
    if (lookup.isEmpty()) {
      return List.of();
    }
    return lookup.get().namespaceOf(request.client().getAddress())
        .map(namespace -> lookup.get().searchPath(namespace))
        .orElse(List.of());
  }

  /** {@code prefix.domain}, or {@code null} when too long (such a name cannot exist). */
  private static Name concatenate(Name prefix, Name domain) {
    try {
      return Name.concatenate(prefix, domain);
    } catch (NameTooLongException e) {
      return null;
    }
  }

  /** {@code name} without the trailing labels of {@code domain}; {@code null} when they are equal. */
  private static Name relativize(Name name, Name domain) {
    if (name.labels() == domain.labels()) {
      return null;
    }
    return name.relativize(domain);
  }

  private CompletionStage<Message> tryFrom(Chain chain, Request original, List<Name> candidates, int index, Message first) {
    Name candidate = candidates.get(index);
    Message query = original.message().clone();
    query.removeAllRecords(Section.QUESTION);
    query.addRecord(Record.newRecord(candidate, original.qtype(), original.qclass()), Section.QUESTION);
    return chain.proceed(original.withMessage(query)).thenCompose(response -> {
      Message firstReply = first == null ? response : first;
      if (chain.explaining()) {
        chain.note(candidate + " -> " + Rcode.string(response.getRcode()));
      }
      if (response.getRcode() != Rcode.NXDOMAIN) {
        if (!chain.explaining()) {
          success.labels(server).inc();
        }
        return java.util.concurrent.CompletableFuture.completedFuture(withCname(response, original));
      }
      if (index + 1 < candidates.size()) {
        return tryFrom(chain, original, candidates, index + 1, firstReply);
      }
      Message copy = firstReply.clone();
      restoreQuestion(copy, original);
      return java.util.concurrent.CompletableFuture.completedFuture(copy);
    });
  }

  /**
   * Puts a CNAME from the asked name to the owner of the first answer that has another owner in
   * front of the answers, and the asked question back (CoreDNS's {@code cnamer}).
   */
  private static Message withCname(Message response, Request original) {
    Message copy = response.clone();
    List<Record> answers = copy.getSection(Section.ANSWER);
    for (Record answer : answers) {
      if (answer.getName().equals(original.qname())) {
        continue;
      }
      copy.removeAllRecords(Section.ANSWER);
      copy.addRecord(new CNAMERecord(original.qname(), original.qclass(), answer.getTTL(), answer.getName()), Section.ANSWER);
      for (Record r : answers) {
        copy.addRecord(r, Section.ANSWER);
      }
      break;
    }
    restoreQuestion(copy, original);
    return copy;
  }

  private static void restoreQuestion(Message response, Request original) {
    response.removeAllRecords(Section.QUESTION);
    response.addRecord(original.question(), Section.QUESTION);
  }
}
