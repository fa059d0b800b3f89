package dev.corvus.dns.plugin.file;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Zone;

/**
 * One zone loaded from a master file, with the names that exist in it (owners and the empty
 * non-terminals above them, which answer NODATA rather than NXDOMAIN per RFC 8020 §2).
 *
 * @param zone the records, as dnsjava indexes them
 * @param existingNames every owner name and each of its ancestors up to the origin
 */
record ZoneData(Zone zone, Set<Name> existingNames) {

  /** A master file that does not parse or does not make a zone. */
  static final class ZoneFileException extends Exception {
    private static final long serialVersionUID = 1L;

    ZoneFileException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Reads {@code file} as zone {@code origin}.
   *
   * @throws ZoneFileException naming {@code file:line} for syntax errors, or the file for a
   *     missing SOA or NS at the origin
   */
  static ZoneData load(Path file, Name origin) throws ZoneFileException {
    Zone zone;
    try {
      zone = new Zone(origin, file.toString());
    } catch (IOException | RuntimeException e) {
      String message = String.valueOf(e.getMessage());
      // dnsjava's tokenizer prefixes "name:line: " with the bare file name; other failures (no
      // SOA, no NS at the origin, unreadable file) only say what, so the path is added
      String bareName = file.getFileName() + ":";
      throw new ZoneFileException(
          message.startsWith(bareName)
              ? file + message.substring(bareName.length() - 1)
              : file + ": zone " + origin + ": " + message,
          e);
    }
    Set<Name> names = new HashSet<>();
    for (RRset set : zone) {
      Name name = set.getName();
      while (name.subdomain(origin) && names.add(name) && !name.equals(origin)) {
        name = new Name(name, 1);
      }
    }
    return new ZoneData(zone, Set.copyOf(names));
  }

  /** The zone's origin. */
  Name origin() {
    return zone.getOrigin();
  }

  /** The SOA serial, to notice a changed file. */
  long serial() {
    return zone.getSOA().getSerial();
  }
}
