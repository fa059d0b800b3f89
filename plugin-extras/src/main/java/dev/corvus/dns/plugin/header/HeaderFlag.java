package dev.corvus.dns.plugin.header;

import java.util.Locale;
import org.xbill.DNS.Flags;

/** The header flags CoreDNS's {@code header} may change: exactly aa, ra and rd. */
enum HeaderFlag {
  AA(Flags.AA), RA(Flags.RA), RD(Flags.RD);

  final int bit;

  HeaderFlag(int bit) {
    this.bit = bit;
  }

  /** The flag named {@code text} (any case), or {@code null}. */
  static HeaderFlag parse(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "aa" -> AA;
      case "ra" -> RA;
      case "rd" -> RD;
      default -> null;
    };
  }
}
