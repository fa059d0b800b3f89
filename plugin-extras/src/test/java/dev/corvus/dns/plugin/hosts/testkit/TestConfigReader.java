package dev.corvus.dns.plugin.hosts.testkit;

import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.config.Location;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.Name;

/**
 * A {@link ConfigReader} over the text of one directive, for handler-level tests; it follows the
 * contract the server's reader documents (file:line errors, strict consumption).
 */
public final class TestConfigReader implements ConfigReader {

  private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d*)?)(ns|us|µs|ms|s|m|h)");

  private final List<DirectiveText.Line> lines;
  private final List<Name> serverZones;
  private final Path baseDirectory;
  private final List<String> warnings = new ArrayList<>();
  private int line;
  private int arg = 1;

  /**
   * @param text the directive with its block, e.g. {@code "hosts {\n 10.0.0.1 a.example.\n}"}
   * @param serverZones the zones of the server block
   * @param baseDirectory the Corefile's directory
   */
  public TestConfigReader(String text, List<Name> serverZones, Path baseDirectory) {
    this.lines = DirectiveText.parse(text);
    this.serverZones = List.copyOf(serverZones);
    this.baseDirectory = baseDirectory;
  }

  /** Warnings logged through {@link #warn}. */
  public List<String> warnings() {
    return warnings;
  }

  /** Fails as the server does when an argument or option was left unread. */
  public void expectFullyRead() throws ConfigException {
    expectNoMoreArgs();
    if (line < lines.size() - 1) {
      line++;
      arg = 1;
      throw error("unexpected option");
    }
  }

  private List<String> tokens() {
    return lines.get(line).tokens();
  }

  @Override
  public String directive() {
    return lines.get(0).tokens().get(0);
  }

  @Override
  public List<Name> serverZones() {
    return serverZones;
  }

  @Override
  public Path baseDirectory() {
    return baseDirectory;
  }

  @Override
  public Location location() {
    return new Location("Corefile", lines.get(line).number());
  }

  @Override
  public String option() {
    return line == 0 ? null : tokens().get(0);
  }

  @Override
  public boolean hasNextArg() {
    return arg < tokens().size();
  }

  @Override
  public String nextArg(String what) throws ConfigException {
    if (!hasNextArg()) {
      throw error("missing " + what);
    }
    return tokens().get(arg++);
  }

  @Override
  public List<String> remainingArgs() {
    List<String> rest = new ArrayList<>(tokens().subList(arg, tokens().size()));
    arg = tokens().size();
    return rest;
  }

  @Override
  public void expectNoMoreArgs() throws ConfigException {
    if (hasNextArg()) {
      throw error("unexpected argument \"" + tokens().get(arg) + "\"");
    }
  }

  @Override
  public int nextInt(String what, int min, int max) throws ConfigException {
    String text = nextArg(what);
    int value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw error(what + ": expected an integer, got \"" + text + "\"");
    }
    if (value < min || value > max) {
      throw error(what + ": " + value + " is not in [" + min + ", " + max + "]");
    }
    return value;
  }

  @Override
  public Duration nextDuration(String what) throws ConfigException {
    String text = nextArg(what);
    if (text.matches("\\d+")) {
      return Duration.ofSeconds(Long.parseLong(text));
    }
    boolean negative = text.startsWith("-");
    String body = negative ? text.substring(1) : text;
    Matcher m = DURATION_PART.matcher(body);
    long nanos = 0;
    int end = 0;
    while (m.find() && m.start() == end) {
      double amount = Double.parseDouble(m.group(1));
      long unit = switch (m.group(2)) {
        case "ns" -> 1L;
        case "us", "µs" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        default -> 3_600_000_000_000L;
      };
      nanos += (long) (amount * unit);
      end = m.end();
    }
    if (end != body.length() || body.isEmpty()) {
      throw error(what + ": expected a duration, got \"" + text + "\"");
    }
    return Duration.ofNanos(negative ? -nanos : nanos);
  }

  @Override
  public InetSocketAddress nextAddress(String what, int defaultPort) throws ConfigException {
    String text = nextArg(what);
    int colon = text.lastIndexOf(':');
    String host = colon >= 0 && !text.endsWith("]") ? text.substring(0, colon) : text;
    int port = colon >= 0 && !text.endsWith("]") ? Integer.parseInt(text.substring(colon + 1)) : defaultPort;
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(Names.parseAddressLiteral(host), port);
  }

  @Override
  public Name nextZone(String what) throws ConfigException {
    String text = nextArg(what);
    try {
      return Names.zone(text);
    } catch (IllegalArgumentException e) {
      throw error(what + ": " + e.getMessage());
    }
  }

  @Override
  public List<Name> remainingZonesOrServerZones() throws ConfigException {
    if (!hasNextArg()) {
      return serverZones;
    }
    List<Name> zones = new ArrayList<>();
    while (hasNextArg()) {
      Name zone = nextZone("zone");
      if (!Names.inAny(zone, serverZones)) {
        throw error("zone " + zone + " is not in the server block's zones " + serverZones);
      }
      zones.add(zone);
    }
    return zones;
  }

  @Override
  public Path nextPath(String what) throws ConfigException {
    return baseDirectory.resolve(nextArg(what));
  }

  @Override
  public boolean nextOption() throws ConfigException {
    expectNoMoreArgs();
    if (line + 1 >= lines.size()) {
      return false;
    }
    line++;
    arg = 1;
    return true;
  }

  @Override
  public ConfigException error(String message) {
    String option = option();
    return new ConfigException(location(), directive(), option == null ? message : option + ": " + message);
  }

  @Override
  public ConfigException unknownOption(Collection<String> known) {
    return new ConfigException(location(), directive(), "unknown option \"" + option() + "\", expected one of " + known);
  }

  @Override
  public void warn(String message) {
    warnings.add(location() + ": " + directive() + ": " + message);
  }
}
