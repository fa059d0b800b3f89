package dev.corvus.dns.plugin.tsig;

import dev.corvus.dns.api.ResponseSigner;
import java.util.Arrays;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;

/**
 * Appends a TSIG record to each message of one response (RFC 8945 §5.3): the first one's MAC
 * covers the request's MAC, the message and every TSIG variable; each later one's covers the MAC
 * before it, the message and the timers only (§5.3.1). With an error (BADSIG, BADKEY) the MAC is
 * empty (§5.3.2).
 */
final class TsigSigner implements ResponseSigner {

  private final TSIG key;
  private final int error;
  private TSIGRecord previous;
  private boolean first = true;

  /**
   * @param key the key (and algorithm) of the request
   * @param error the TSIG error to report, {@link Rcode#NOERROR} when the request verified
   * @param request the request's TSIG record
   */
  TsigSigner(TSIG key, int error, TSIGRecord request) {
    this.key = key;
    this.error = error;
    this.previous = request;
  }

  @Override
  public int maxOverhead() {
    return key.recordLength();
  }

  @Override
  public byte[] sign(byte[] wire) {
    int id = ((wire[0] & 0xff) << 8) | (wire[1] & 0xff);
    TSIGRecord tsig = key.generate(new Message(id), wire, error, previous, first);
    previous = tsig;
    first = false;
    byte[] record = tsig.toWire(Section.ADDITIONAL);
    byte[] signed = Arrays.copyOf(wire, wire.length + record.length);
    System.arraycopy(record, 0, signed, wire.length, record.length);
    int additional = (((wire[10] & 0xff) << 8) | (wire[11] & 0xff)) + 1;
    signed[10] = (byte) (additional >>> 8);
    signed[11] = (byte) additional;
    return signed;
  }
}
