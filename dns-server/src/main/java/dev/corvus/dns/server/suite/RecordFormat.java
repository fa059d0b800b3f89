package dev.corvus.dns.server.suite;

import dev.corvus.dns.server.corefile.Suggestions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TTL;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** Records in zone-file syntax, as test files write them and reports show them. */
final class RecordFormat {

  private static final Pattern TOKEN = Pattern.compile("\\S+");

  private RecordFormat() {}

  /** A record that cannot be read; the message says what is wrong with it. */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Reads {@code OWNER [TTL] [CLASS] TYPE RDATA} (TTL and class in either order, as RFC 1035 §5.1
   * allows). Names are absolute whether or not they end in a dot; the class defaults to IN; without
   * a TTL any TTL matches.
   */
  static TestFile.ExpectedRecord parse(String text) throws Invalid {
    List<MatchResult> tokens = new ArrayList<>();
    Matcher matcher = TOKEN.matcher(text);
    while (matcher.find()) {
      tokens.add(matcher.toMatchResult());
    }
    if (tokens.size() < 2) {
      throw new Invalid("expected OWNER [TTL] [CLASS] TYPE RDATA, e.g. \"www.example.org. 300 IN A 192.0.2.1\"");
    }
    Name owner = name(tokens.get(0).group());
    Long ttl = null;
    Integer dclass = null;
    int index = 1;
    for (; index < tokens.size() && index < 3; index++) {
      String token = tokens.get(index).group();
      if (ttl == null && Character.isDigit(token.charAt(0))) {
        ttl = ttl(token);
      } else if (dclass == null && DClass.value(token.toUpperCase(Locale.ROOT)) >= 0
          && Type.value(token.toUpperCase(Locale.ROOT)) < 0) {
        dclass = DClass.value(token.toUpperCase(Locale.ROOT));
      } else {
        break;
      }
    }
    if (index == tokens.size()) {
      throw new Invalid("expected a record type after the owner, TTL and class");
    }
    String typeText = tokens.get(index).group();
    int type = type(typeText);
    String rdata = index + 1 < tokens.size() ? text.substring(tokens.get(index + 1).start()).strip() : "";
    int recordClass = dclass == null ? DClass.IN : dclass;
    try {
      Record record = Record.fromString(owner, type, recordClass, ttl == null ? 0 : ttl, rdata, Name.root);
      return new TestFile.ExpectedRecord(record, ttl != null);
    } catch (TextParseException e) {
      throw new Invalid("bad " + Type.string(type) + " data \"" + rdata + "\": " + reason(e));
    } catch (IOException | RuntimeException e) {
      throw new Invalid("bad " + Type.string(type) + " data \"" + rdata + "\": " + e.getMessage());
    }
  }

  /** A domain name, absolute whether or not it ends in a dot. */
  static Name name(String text) throws Invalid {
    try {
      return Name.fromString(text, Name.root);
    } catch (TextParseException e) {
      throw new Invalid("\"" + text + "\" is not a domain name (" + reason(e) + ")");
    }
  }

  /** A record type by mnemonic ({@code A}, {@code aaaa}, {@code TYPE65}). */
  static int type(String text) throws Invalid {
    int type = Type.value(text.toUpperCase(Locale.ROOT));
    if (type < 0) {
      String closest = Suggestions.closest(text.toUpperCase(Locale.ROOT), typeNames());
      throw new Invalid("unknown record type \"" + text + "\""
          + (closest == null ? "" : ", did you mean \"" + closest + "\"?"));
    }
    return type;
  }

  /** A class by mnemonic ({@code IN}, {@code CH}, {@code CLASS3}). */
  static int dclass(String text) throws Invalid {
    int dclass = DClass.value(text.toUpperCase(Locale.ROOT));
    if (dclass < 0) {
      throw new Invalid("unknown class \"" + text + "\": expected IN, CH, HS, NONE, ANY or CLASSnn");
    }
    return dclass;
  }

  private static long ttl(String text) throws Invalid {
    try {
      return TTL.parseTTL(text);
    } catch (NumberFormatException e) {
      throw new Invalid("bad TTL \"" + text + "\": expected seconds or a duration such as 1h30m");
    }
  }

  private static List<String> typeNames() {
    List<String> names = new ArrayList<>();
    for (int type = 1; type < 65536; type++) {
      String name = Type.string(type);
      if (!name.startsWith("TYPE")) {
        names.add(name);
      }
    }
    return names;
  }

  /** dnsjava writes {@code 'text': reason}; the message already names the text. */
  private static String reason(TextParseException e) {
    // dnsjava's tokenizer puts its own position first ("<none>:1: "); the test file's line is reported instead
    return String.valueOf(e.getMessage()).replaceFirst("^<none>:\\d+: ", "").replaceFirst("^'.*?': ", "")
        .toLowerCase(Locale.ROOT);
  }

  /** {@code OWNER TTL CLASS TYPE RDATA}, fields separated by one space. */
  static String format(Record record) {
    return record.getName() + " " + record.getTTL() + " " + rest(record);
  }

  /** {@code OWNER CLASS TYPE RDATA}. */
  static String formatWithoutTtl(Record record) {
    return record.getName() + " " + rest(record);
  }

  private static String rest(Record record) {
    String rdata = record.rdataToString();
    return DClass.string(record.getDClass()) + " " + Type.string(record.getType()) + (rdata.isEmpty() ? "" : " " + rdata);
  }
}
