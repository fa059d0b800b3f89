package dev.corvus.dns.conformance;

import dev.corvus.dns.conformance.ConformanceFile.CaseSpec;
import dev.corvus.dns.conformance.ConformanceFile.OptSpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Compares a response with a case the way CoreDNS's {@code test.SortAndCheck} does: the rcode,
 * then each section as a multiset (or in order when the case says so), names compared as sent,
 * TTLs unless the expected TTL is 303; flags and the OPT record only where the case names them.
 */
final class ResponseCheck {

  private ResponseCheck() {}

  /** What differs; empty when the response matches. */
  static List<String> differences(CaseSpec expected, Message response) {
    List<String> problems = new ArrayList<>();
    if (expected.check().contains("rcode")) {
      int rcode = response.getRcode();
      String want = expected.rcode() == null ? "NOERROR" : expected.rcode();
      if (!Rcode.string(rcode).equalsIgnoreCase(want)) {
        problems.add("rcode " + Rcode.string(rcode) + ", expected " + want);
      }
    }
    if (expected.question() != null) {
      Record q = response.getQuestion();
      String actual = q == null ? "(none)" : q.getName() + " " + Type.string(q.getType());
      if (!actual.equals(expected.question())) {
        problems.add("question " + actual + ", expected " + expected.question());
      }
    }
    for (Map.Entry<String, Boolean> flag : expected.flags().entrySet()) {
      boolean set = response.getHeader().getFlag(Flags.value(flag.getKey().toLowerCase(Locale.ROOT)));
      if (set != flag.getValue()) {
        problems.add("flag " + flag.getKey() + " is " + set + ", expected " + flag.getValue());
      }
    }
    compareSection(expected, "answer", expected.answer(), records(response, Section.ANSWER), problems);
    compareSection(expected, "ns", expected.ns(), records(response, Section.AUTHORITY), problems);
    compareSection(expected, "extra", expected.extra(), records(response, Section.ADDITIONAL), problems);
    if (expected.opt() != null) {
      compareOpt(expected.opt(), response.getOPT(), problems);
    }
    if (expected.cnameOrder()) {
      checkCnameOrder(response.getSection(Section.ANSWER), problems);
    }
    if (expected.typeOrder() != null) {
      checkTypeOrder(expected.typeOrder(), "answer", records(response, Section.ANSWER), problems);
      checkTypeOrder(expected.typeOrder(), "extra", records(response, Section.ADDITIONAL), problems);
    }
    return problems;
  }

  /** Records in groups of types, group by group; a type in no group ends the check's order. */
  private static void checkTypeOrder(List<String> groups, String section, List<Record> records, List<String> problems) {
    int current = 0;
    for (Record r : records) {
      int group = groups.size();
      for (int i = 0; i < groups.size(); i++) {
        if (List.of(groups.get(i).split(" ")).contains(Type.string(r.getType()))) {
          group = i;
        }
      }
      if (group < current) {
        problems.add(section + " section not in the order " + groups + ": " + render(records));
        return;
      }
      current = group;
    }
  }

  /** CoreDNS's {@code test.CNAMEOrder}: a CNAME never comes after a record of its target. */
  private static void checkCnameOrder(List<Record> answer, List<String> problems) {
    for (int i = 0; i < answer.size(); i++) {
      if (answer.get(i) instanceof CNAMERecord cname) {
        for (Record before : answer.subList(0, i)) {
          if (before.getName().equals(cname.getTarget())) {
            problems.add("CNAME " + cname.getName() + " comes after a record of its target " + cname.getTarget());
          }
        }
      }
    }
  }

  /** The section's records; the OPT record is not part of the additional section here. */
  private static List<Record> records(Message response, int section) {
    List<Record> out = new ArrayList<>();
    for (Record r : response.getSection(section)) {
      if (r.getType() != Type.OPT) {
        out.add(r);
      }
    }
    return out;
  }

  private static void compareSection(CaseSpec expected, String section, List<String> want, List<Record> actual,
      List<String> problems) {
    if (!expected.check().contains(section)) {
      return;
    }
    List<Record> wanted = want.stream().map(RecordText::parse).toList();
    if (expected.namesOnly()) {
      List<String> w = wanted.stream().map(r -> r.getName() + " " + Type.string(r.getType())).sorted().toList();
      List<String> a = actual.stream().map(r -> r.getName() + " " + Type.string(r.getType())).sorted().toList();
      if (!w.equals(a)) {
        problems.add(section + " section owners differ:\n    expected " + w + "\n    actual   " + a);
      }
      return;
    }
    boolean matches = expected.ordered() ? inOrder(wanted, actual) : asMultiset(wanted, actual);
    if (!matches) {
      problems.add(section + " section differs:\n    expected " + render(wanted) + "\n    actual   " + render(actual));
    }
  }

  private static boolean inOrder(List<Record> wanted, List<Record> actual) {
    if (wanted.size() != actual.size()) {
      return false;
    }
    for (int i = 0; i < wanted.size(); i++) {
      if (!same(wanted.get(i), actual.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean asMultiset(List<Record> wanted, List<Record> actual) {
    if (wanted.size() != actual.size()) {
      return false;
    }
    boolean[] used = new boolean[actual.size()];
    // exact TTLs first, so that a 303 wildcard does not take a record another entry needs
    List<Record> ordered = new ArrayList<>(wanted);
    ordered.sort((a, b) -> Boolean.compare(a.getTTL() == RecordText.ANY_TTL, b.getTTL() == RecordText.ANY_TTL));
    for (Record w : ordered) {
      boolean found = false;
      for (int i = 0; i < actual.size() && !found; i++) {
        if (!used[i] && same(w, actual.get(i))) {
          used[i] = true;
          found = true;
        }
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  private static boolean same(Record wanted, Record actual) {
    if (wanted.getTTL() != RecordText.ANY_TTL && wanted.getTTL() != actual.getTTL()) {
      return false;
    }
    return RecordText.withoutTtl(wanted).equals(RecordText.withoutTtl(actual));
  }

  private static String render(List<Record> records) {
    if (records.isEmpty()) {
      return "(none)";
    }
    StringBuilder text = new StringBuilder();
    for (Record r : records) {
      text.append("\n      ").append(RecordText.withTtl(r));
    }
    return text.toString();
  }

  private static void compareOpt(OptSpec want, OPTRecord opt, List<String> problems) {
    if (want.absent()) {
      if (opt != null) {
        problems.add("an OPT record, expected none: " + opt);
      }
      return;
    }
    if (opt == null) {
      problems.add("no OPT record, expected one");
      return;
    }
    if (want.doBit() != null && ((opt.getFlags() & ExtendedFlags.DO) != 0) != want.doBit()) {
      problems.add("OPT DO is " + !want.doBit() + ", expected " + want.doBit());
    }
    if (want.bufsize() != null && opt.getPayloadSize() != want.bufsize()) {
      problems.add("OPT buffer size " + opt.getPayloadSize() + ", expected " + want.bufsize());
    }
    if (want.options() != null) {
      List<String> actual = new ArrayList<>();
      for (EDNSOption option : opt.getOptions()) {
        byte[] wire = option.toWire(); // code, length, data
        actual.add(option.getCode() + ":" + HexFormat.of().formatHex(wire, 4, wire.length));
      }
      List<String> wanted = want.options().stream().map(o -> o.toLowerCase(Locale.ROOT)).sorted().toList();
      if (!actual.stream().sorted().toList().equals(wanted)) {
        problems.add("OPT options " + actual + ", expected " + wanted);
      }
    }
  }
}
