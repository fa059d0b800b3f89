package dev.corvus.dns.plugin.loadbalance;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.net.Cidr;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Shuffles the A, AAAA and MX records of NOERROR responses in every section, as CoreDNS's
 * round_robin: CNAMEs first (some stub resolvers, glibc's among them, need them before the
 * addresses), then the other records, then the shuffled addresses, then the shuffled MX. With
 * {@code prefer}, addresses in the preferred networks then move to the front, network by network.
 * The {@code weighted} policy groups the answer and additional sections of A, AAAA and SRV
 * responses the same way but, instead of shuffling the addresses, swaps one of them, chosen at
 * random in proportion to its weight, to the front of the addresses. {@code limit_answers} then cuts the
 * answer section. The response from the rest of the chain is copied, never changed: a cache may
 * hold it.
 */
final class LoadbalanceHandler implements Handler {

  private static final int[] SECTIONS = {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL};

  private final LoadbalanceConfig config;
  private final Supplier<Weights> weights;

  LoadbalanceHandler(LoadbalanceConfig config, Supplier<Weights> weights) {
    this.config = config;
    this.weights = weights;
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    CompletionStage<Message> rest = chain.proceed(chain.request());
    // An answer from memory is complete already: shuffled at once, and returned as it came when
    // there is nothing to reorder (a single record), without a stage chained for it.
    if (rest instanceof CompletableFuture<Message> done && done.isDone() && !done.isCompletedExceptionally()) {
      Message response = done.getNow(null);
      Message shuffled = shuffle(response);
      return shuffled == response ? rest : CompletableFuture.completedFuture(shuffled);
    }
    return rest.thenApply(this::shuffle);
  }

  Message shuffle(Message response) {
    if (response.getRcode() != Rcode.NOERROR) {
      return response;
    }
    Record question = response.getQuestion();
    if (question != null && (question.getType() == Type.AXFR || question.getType() == Type.IXFR)) {
      return response;
    }
    Message out = null;
    for (int section : SECTIONS) {
      List<Record> records = response.getSection(section);
      boolean cut = section == Section.ANSWER && config.limitAnswers() > 0
          && records.size() > config.limitAnswers();
      if (records.size() < 2 || (config.weighted() && !weightedApplies(question, section))) {
        continue;
      }
      List<Record> reordered = config.weighted() ? weighted(records) : roundRobin(records);
      if (cut) {
        reordered = reordered.subList(0, config.limitAnswers());
      }
      if (!config.preferred().isEmpty() && section != Section.AUTHORITY) {
        reordered = preferSubnets(reordered);
      }
      if (out == null) {
        out = response.clone();
      }
      out.removeAllRecords(section);
      for (Record r : reordered) {
        out.addRecord(r, section);
      }
    }
    return out == null ? response : out;
  }

  /** CoreDNS weighs the answer and additional sections of A, AAAA and SRV responses only. */
  private static boolean weightedApplies(Record question, int section) {
    int qtype = question == null ? -1 : question.getType();
    return section != Section.AUTHORITY && (qtype == Type.A || qtype == Type.AAAA || qtype == Type.SRV);
  }

  /**
   * CoreDNS's weighted policy: round_robin's groups (CNAMEs, others, addresses, MX), the address
   * picked by weight swapped to the front of the addresses; without addresses nothing moves.
   */
  private List<Record> weighted(List<Record> in) {
    List<Record> cname = new ArrayList<>();
    List<Record> address = new ArrayList<>();
    List<Record> mx = new ArrayList<>();
    List<Record> rest = new ArrayList<>();
    for (Record r : in) {
      switch (r.getType()) {
        case Type.CNAME -> cname.add(r);
        case Type.A, Type.AAAA -> address.add(r);
        case Type.MX -> mx.add(r);
        default -> rest.add(r);
      }
    }
    if (address.isEmpty()) {
      return new ArrayList<>(in);
    }
    Weights table = weights.get();
    int total = 0;
    int[] cumulative = new int[address.size()];
    for (int i = 0; i < address.size(); i++) {
      Record r = address.get(i);
      total += table.weight(Names.lowerCase(r.getName()), addressOf(r));
      cumulative[i] = total;
    }
    if (total > 0) {
      int pick = ThreadLocalRandom.current().nextInt(total);
      for (int i = 0; i < address.size(); i++) {
        if (pick < cumulative[i]) {
          Collections.swap(address, 0, i);
          break;
        }
      }
    }
    List<Record> out = new ArrayList<>(in.size());
    out.addAll(cname);
    out.addAll(rest);
    out.addAll(address);
    out.addAll(mx);
    return out;
  }

  private static List<Record> roundRobin(List<Record> in) {
    List<Record> cname = new ArrayList<>();
    List<Record> address = new ArrayList<>();
    List<Record> mx = new ArrayList<>();
    List<Record> rest = new ArrayList<>();
    for (Record r : in) {
      switch (r.getType()) {
        case Type.CNAME -> cname.add(r);
        case Type.A, Type.AAAA -> address.add(r);
        case Type.MX -> mx.add(r);
        default -> rest.add(r);
      }
    }
    Collections.shuffle(address, ThreadLocalRandom.current());
    Collections.shuffle(mx, ThreadLocalRandom.current());
    List<Record> out = new ArrayList<>(in.size());
    out.addAll(cname);
    out.addAll(rest);
    out.addAll(address);
    out.addAll(mx);
    return out;
  }

  /** CoreDNS's prefer order: CNAMEs, preferred addresses by network, other addresses, MX, the rest. */
  private List<Record> preferSubnets(List<Record> in) {
    List<Record> cname = new ArrayList<>();
    List<Record> address = new ArrayList<>();
    List<Record> mx = new ArrayList<>();
    List<Record> rest = new ArrayList<>();
    for (Record r : in) {
      switch (r.getType()) {
        case Type.CNAME -> cname.add(r);
        case Type.A, Type.AAAA -> address.add(r);
        case Type.MX -> mx.add(r);
        default -> rest.add(r);
      }
    }
    List<Record> out = new ArrayList<>(in.size());
    out.addAll(cname);
    List<Record> remaining = new ArrayList<>(address);
    for (Cidr cidr : config.preferred()) {
      remaining.removeIf(r -> {
        if (cidr.contains(addressOf(r))) {
          out.add(r);
          return true;
        }
        return false;
      });
    }
    out.addAll(remaining);
    out.addAll(mx);
    out.addAll(rest);
    return out;
  }

  private static InetAddress addressOf(Record r) {
    return r instanceof ARecord a ? a.getAddress() : ((AAAARecord) r).getAddress();
  }
}
