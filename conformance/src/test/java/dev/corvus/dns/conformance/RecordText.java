package dev.corvus.dns.conformance;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.xbill.DNS.Master;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/** Records written in zone-file syntax in the data files, and records as the comparison sees them. */
final class RecordText {

  /** CoreDNS's test helpers read records with miekg/dns, whose TTL default is 3600. */
  private static final long DEFAULT_TTL = 3600;

  /** The TTL CoreDNS's test helpers treat as "any TTL". */
  static final long ANY_TTL = 303;

  private RecordText() {}

  /** Parses one record; relative names are taken as absolute, as miekg/dns's {@code NewRR} does. */
  static Record parse(String text) {
    String[] tokens = text.trim().split("\\s+");
    int rrsig = java.util.Arrays.asList(tokens).indexOf("RRSIG");
    if (rrsig >= 0 && tokens.length > rrsig + 9) {
      // the Go tests shorten signatures to invalid base64 (miekg/dns reads them anyway); the
      // signature is not compared, so a valid placeholder stands in for it
      text = String.join(" ", java.util.Arrays.copyOf(tokens, rrsig + 9)) + " AAAA";
    }
    try (Master master = new Master(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), Name.root, DEFAULT_TTL)) {
      Record record = master.nextRecord();
      if (record == null) {
        throw new IllegalArgumentException("no record in: " + text);
      }
      return record;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse record: " + text, e);
    }
  }

  /**
   * The record as compared: owner name as sent (CoreDNS's helpers compare names case-sensitively),
   * class, type and RDATA, without the TTL. A SOA's numbers are left out: CoreDNS's helpers compare
   * only its primary name server (and the tests' numbers are often made up); its two names are kept.
   */
  static String withoutTtl(Record record) {
    String rdata = switch (record.getType()) {
      case Type.SOA -> soaWithoutSerial((SOARecord) record);
      // CoreDNS's helpers compare an RRSIG's covered type, labels and signer, and an NSEC's next name
      case Type.RRSIG -> {
        RRSIGRecord sig = (RRSIGRecord) record;
        yield Type.string(sig.getTypeCovered()) + " " + sig.getLabels() + " " + sig.getSigner() + " (rest not compared)";
      }
      case Type.NSEC -> ((NSECRecord) record).getNext() + " (types not compared)";
      default -> record.rdataToString();
    };
    return record.getName() + " " + org.xbill.DNS.DClass.string(record.getDClass()) + " "
        + Type.string(record.getType()) + " " + rdata;
  }

  /** The record as compared, with its TTL. */
  static String withTtl(Record record) {
    String plain = withoutTtl(record);
    int space = plain.indexOf(' ');
    return plain.substring(0, space) + " " + record.getTTL() + plain.substring(space);
  }

  private static String soaWithoutSerial(SOARecord soa) {
    return soa.getHost() + " " + soa.getAdmin() + " (numbers not compared)";
  }
}
