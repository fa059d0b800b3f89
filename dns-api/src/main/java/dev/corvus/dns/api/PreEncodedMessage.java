package dev.corvus.dns.api;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;

/**
 * A response that also carries its wire form, so that the server can send it without encoding it
 * again (the {@code cache} plugin answers hits this way). It is an ordinary {@link Message} for
 * every handler and listener; the server uses the wire form only while the message is unchanged:
 * adding, removing or replacing records or the header, or changing a header flag, rcode or count,
 * makes it encode the message as usual. Create one with {@link Responses#preEncoded}.
 *
 * <p>The wire form must be exactly what {@link Message#toWire()} gives for the message (any ID,
 * no OPT record): the server patches the query's ID in, appends the OPT record mirroring the
 * client's EDNS0 and falls back to encoding when the result would not fit the client's payload
 * size (so truncation stays the server's job).
 */
public final class PreEncodedMessage extends Message {

  private final byte[] wire;
  private boolean sealed;
  private boolean modified;

  PreEncodedMessage(Message message, byte[] wire) {
    // Message(int) rather than Message(): the latter draws a random ID from SecureRandom first.
    super(message.getHeader().getID());
    if (wire.length < Header.LENGTH) {
      throw new IllegalArgumentException("a DNS message has a 12-byte header");
    }
    // A fresh header: adding the records below counts them.
    Header source = message.getHeader();
    Header header = getHeader();
    header.setID(source.getID());
    header.setOpcode(source.getOpcode());
    header.setRcode(source.getRcode());
    for (int bit = 0; bit < 16; bit++) {
      if (Flags.isFlag(bit) && source.getFlag(bit)) {
        header.setFlag(bit);
      }
    }
    for (int section = Section.QUESTION; section <= Section.ADDITIONAL; section++) {
      for (Record record : message.getSection(section)) {
        addRecord(record, section);
      }
    }
    this.wire = wire;
    this.sealed = true;
  }

  /**
   * The wire form given at creation when the message has not changed since, or {@code null}
   * when it has (and must be encoded). The ID in it is not the query's; callers copy it and do not
   * modify the returned array.
   */
  public byte[] wireIfUnchanged() {
    if (modified) {
      return null;
    }
    byte[] header = getHeader().toWire();
    // Flags, opcode, rcode and the four counts; the ID is the server's to set.
    for (int i = 2; i < Header.LENGTH; i++) {
      if (header[i] != wire[i]) {
        return null;
      }
    }
    return wire;
  }

  private void changed() {
    if (sealed) {
      modified = true;
    }
  }

  @Override
  public void setHeader(Header header) {
    changed();
    super.setHeader(header);
  }

  @Override
  public void addRecord(Record record, int section) {
    changed();
    super.addRecord(record, section);
  }

  @Override
  public boolean removeRecord(Record record, int section) {
    changed();
    return super.removeRecord(record, section);
  }

  @Override
  public void removeAllRecords(int section) {
    changed();
    super.removeAllRecords(section);
  }

  @Override
  public void setTSIG(TSIG key) {
    changed();
    super.setTSIG(key);
  }

  @Override
  public void setTSIG(TSIG key, int error, TSIGRecord querytsig) {
    changed();
    super.setTSIG(key, error, querytsig);
  }
}
