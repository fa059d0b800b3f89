package dev.corvus.dns.server.cli;

import dev.corvus.dns.api.Names;
import dev.corvus.dns.server.corefile.GoDuration;
import java.net.InetAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An option of a subcommand: how it is spelt, the kind of value it takes and its default.
 *
 * <p>Three spellings, as the documented syntax has them: a dash option ({@code -conf FILE},
 * {@code --client IP}) takes its value from the next argument, and, as in Go's flag package that
 * CoreDNS uses, one or two dashes mean the same option; a plus option ({@code +tcp}, dig's) is a
 * switch; the {@code @} option ({@code @SERVER[:PORT]}, dig's) carries its value attached.
 *
 * @param <T> the type of the value
 */
final class Option<T> {

  private final String spelling;
  private final String placeholder;
  private final ValueReader<T> reader;
  private final T defaultValue;

  private Option(String spelling, String placeholder, ValueReader<T> reader, T defaultValue) {
    this.spelling = spelling;
    this.placeholder = placeholder;
    this.reader = reader;
    this.defaultValue = defaultValue;
  }

  /** A switch: {@code true} when present. */
  static Option<Boolean> flag(String spelling) {
    return new Option<>(spelling, null, null, false);
  }

  /** A file or directory; whether it can be read is the command's concern. */
  static Option<Path> path(String spelling, String placeholder) {
    return new Option<>(spelling, placeholder, Option::readPath, null);
  }

  /** A port number, 0 to 65535. */
  static Option<Integer> port(String spelling, String placeholder, int defaultPort) {
    return new Option<>(spelling, placeholder, Option::readPort, defaultPort);
  }

  private static int readPort(String text) throws ValueReader.Invalid {
    if (text.matches("[0-9]{1,5}")) {
      int port = Integer.parseInt(text);
      if (port <= 65535) {
        return port;
      }
    }
    throw new ValueReader.Invalid("expected a port (0-65535)");
  }

  /** A positive duration in Go's syntax ({@code 2s}, {@code 250ms}), as the Corefile writes them. */
  static Option<Duration> duration(String spelling, String placeholder, Duration defaultValue) {
    return new Option<>(spelling, placeholder, Option::readPositiveDuration, defaultValue);
  }

  /** A server address, {@code HOST[:PORT]} or {@code [V6][:PORT]}, with {@code defaultPort} when none is written. */
  static Option<HostAndPort> address(String spelling, String placeholder, int defaultPort) {
    return new Option<>(spelling, placeholder, text -> HostAndPort.parse(text, defaultPort),
        HostAndPort.loopback(defaultPort));
  }

  /** An IP address literal; no name is resolved. */
  static Option<InetAddress> ip(String spelling, String placeholder) {
    return new Option<>(spelling, placeholder, Option::readIp, null);
  }

  /** As documented: {@code -conf}, {@code --client}, {@code +tcp} or {@code @}. */
  String spelling() {
    return spelling;
  }

  /** What the value is called in usage and messages ({@code FILE}); {@code null} for a switch. */
  String placeholder() {
    return placeholder;
  }

  boolean isSwitch() {
    return reader == null;
  }

  boolean isDash() {
    return spelling.startsWith("-");
  }

  boolean isAttached() {
    return spelling.equals("@");
  }

  /** The spelling without its dashes, under which {@code -x} and {@code --x} are both found. */
  String name() {
    return spelling.replaceFirst("^--?", "");
  }

  /** What messages call the option: its spelling, or {@code server} for {@code @SERVER}. */
  String label() {
    return isAttached() ? "server" : spelling;
  }

  /** What usage and messages show: {@code -conf FILE}, {@code +tcp}, {@code @SERVER[:PORT]}. */
  String synopsis() {
    if (isSwitch()) {
      return spelling;
    }
    return isAttached() ? spelling + placeholder : spelling + " " + placeholder;
  }

  T defaultValue() {
    return defaultValue;
  }

  T read(String text) throws ValueReader.Invalid {
    return reader.read(text);
  }

  @Override
  public String toString() {
    return spelling;
  }

  private static Path readPath(String text) throws ValueReader.Invalid {
    if (text.isEmpty()) {
      throw new ValueReader.Invalid("expected a path");
    }
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      throw new ValueReader.Invalid("expected a path (" + e.getReason() + ")");
    }
  }

  private static Duration readPositiveDuration(String text) throws ValueReader.Invalid {
    try {
      Duration duration = GoDuration.parse(text);
      if (!duration.isZero()) {
        return duration;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new ValueReader.Invalid("expected a positive duration such as 2s or 250ms");
  }

  private static InetAddress readIp(String text) throws ValueReader.Invalid {
    try {
      return Names.parseAddressLiteral(text);
    } catch (IllegalArgumentException e) {
      throw new ValueReader.Invalid("expected an IP address");
    }
  }
}
