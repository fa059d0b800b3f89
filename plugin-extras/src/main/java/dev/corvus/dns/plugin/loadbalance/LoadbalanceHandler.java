package dev.corvus.dns.plugin.loadbalance;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.net.Cidr;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
 * The {@code weighted} policy instead leaves the order alone and moves one address of the answer
 * to the top, chosen at random in proportion to its weight. {@code limit_answers} then cuts the
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
    return chain.proceed(chain.request()).thenApply(this::shuffle);
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
      if (records.size() < 2 || (config.weighted() && section != Section.ANSWER)) {
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

  /** CoreDNS's weighted policy: one address, picked by weight, moves to the first address slot. */
  private List<Record> weighted(List<Record> in) {
    Weights table = weights.get();
    int total = 0;
    int[] cumulative = new int[in.size()];
    int firstAddress = -1;
    for (int i = 0; i < in.size(); i++) {
      Record r = in.get(i);
      if (r.getType() == Type.A || r.getType() == Type.AAAA) {
        if (firstAddress < 0) {
          firstAddress = i;
        }
        total += table.weight(Names.lowerCase(r.getName()), addressOf(r));
      }
      cumulative[i] = total;
    }
    List<Record> out = new ArrayList<>(in);
    if (firstAddress < 0 || total == 0) {
      return out;
    }
    int pick = ThreadLocalRandom.current().nextInt(total);
    for (int i = firstAddress; i < in.size(); i++) {
      if (pick < cumulative[i]) {
        out.add(firstAddress, out.remove(i));
        break;
      }
    }
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
