package dev.corvus.dns.plugin.cache;

/**
 * Where the parts of an encoded DNS message stand (RFC 1035 §4.1), for patching a copy in place.
 * Reads only messages Corvus encoded itself, so it does not validate.
 */
final class MessageLayout {

  private static final int HEADER_LENGTH = 12;
  private static final int POINTER = 0xc0;

  private MessageLayout() {}

  /** The offset of every resource record's TTL field in {@code wire}, in the order of the records. */
  static int[] ttlOffsets(byte[] wire) {
    int questions = unsignedShort(wire, 4);
    int records = unsignedShort(wire, 6) + unsignedShort(wire, 8) + unsignedShort(wire, 10);
    int position = HEADER_LENGTH;
    for (int i = 0; i < questions; i++) {
      position = skipName(wire, position) + 4; // type and class
    }
    int[] offsets = new int[records];
    for (int i = 0; i < records; i++) {
      position = skipName(wire, position);
      offsets[i] = position + 4; // after type and class
      int rdataLength = unsignedShort(wire, position + 8);
      position += 10 + rdataLength;
    }
    return offsets;
  }

  /** The position just after the (possibly compressed) name starting at {@code position}. */
  private static int skipName(byte[] wire, int position) {
    while (true) {
      int length = wire[position] & 0xff;
      if (length == 0) {
        return position + 1;
      }
      if ((length & POINTER) == POINTER) {
        return position + 2;
      }
      position += length + 1;
    }
  }

  private static int unsignedShort(byte[] wire, int position) {
    return ((wire[position] & 0xff) << 8) | (wire[position + 1] & 0xff);
  }
}
