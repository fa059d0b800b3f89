package dev.corvus.dns.server.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * An argument a subcommand takes by position ({@code NAME}, {@code TYPE}, {@code TOPIC}) and the
 * kind of value it is.
 *
 * @param <T> the type of the value
 */
final class Operand<T> {

  private final String placeholder;
  private final ValueReader<T> reader;

  private Operand(String placeholder, ValueReader<T> reader) {
    this.placeholder = placeholder;
    this.reader = reader;
  }

  /** A domain name, made absolute. */
  static Operand<Name> domainName(String placeholder) {
    return new Operand<>(placeholder, Operand::readDomainName);
  }

  /** A record type by mnemonic ({@code A}, {@code aaaa}, {@code TYPE65}), as its code. */
  static Operand<Integer> recordType(String placeholder) {
    return new Operand<>(placeholder, Operand::readRecordType);
  }

  /** A file or directory; whether it can be read is the command's concern. */
  static Operand<Path> path(String placeholder) {
    return new Operand<>(placeholder, Operand::readPath);
  }

  /** A word of letters, digits, {@code .}, {@code _} and {@code -}, safe in a URL path. */
  static Operand<String> word(String placeholder) {
    return new Operand<>(placeholder, Operand::readWord);
  }

  /** What usage shows: {@code NAME}. */
  String placeholder() {
    return placeholder;
  }

  /** What messages call it: {@code name}. */
  String label() {
    return placeholder.toLowerCase(Locale.ROOT);
  }

  T read(String text) throws ValueReader.Invalid {
    return reader.read(text);
  }

  @Override
  public String toString() {
    return placeholder;
  }

  private static Name readDomainName(String text) throws ValueReader.Invalid {
    try {
      return Name.fromString(text, Name.root);
    } catch (TextParseException e) {
      // dnsjava writes "'text': reason"; the message already names the text
      String reason = String.valueOf(e.getMessage()).replaceFirst("^'.*': ", "");
      throw new ValueReader.Invalid("not a domain name (" + reason.toLowerCase(Locale.ROOT) + ")");
    }
  }

  private static Integer readRecordType(String text) throws ValueReader.Invalid {
    int type = Type.value(text.toUpperCase(Locale.ROOT));
    if (type < 0) {
      throw new ValueReader.Invalid("expected a record type such as A, AAAA, MX, SRV or TYPE65");
    }
    return type;
  }

  private static Path readPath(String text) throws ValueReader.Invalid {
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      throw new ValueReader.Invalid("expected a path (" + e.getReason() + ")");
    }
  }

  private static String readWord(String text) throws ValueReader.Invalid {
    if (!text.matches("[A-Za-z0-9._-]+")) {
      throw new ValueReader.Invalid("expected a word of letters, digits, '.', '_' and '-'");
    }
    return text;
  }
}
