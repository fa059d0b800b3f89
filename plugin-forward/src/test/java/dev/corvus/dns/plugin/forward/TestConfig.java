package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.config.Location;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.Name;

/**
 * A {@link ConfigReader} over one directive written as Corefile text, for parser tests: the
 * first line is the directive and its arguments, an optional {@code { ... }} block holds options,
 * one per line. Line numbers start at 1 in file {@code Corefile}.
 */
final class TestConfig implements ConfigReader {

  private record Line(int number, List<String> tokens) {}

  private final List<Line> lines = new ArrayList<>();
  private final Path baseDirectory;
  private final List<String> warnings = new ArrayList<>();
  private int lineIndex;
  private int argIndex;

  TestConfig(String text, Path baseDirectory) {
    this.baseDirectory = baseDirectory;
    String[] raw = text.split("\n");
    for (int i = 0; i < raw.length; i++) {
      String line = raw[i].trim();
      if (line.isEmpty() || line.equals("}")) {
        continue;
      }
      if (line.endsWith("{")) {
        line = line.substring(0, line.length() - 1).trim();
      }
      lines.add(new Line(i + 1, new ArrayList<>(Arrays.asList(line.split("\\s+")))));
    }
    argIndex = 1;
  }

  TestConfig(String text) {
    this(text, Path.of("."));
  }

  List<String> warnings() {
    return warnings;
  }

  private List<String> tokens() {
    return lines.get(lineIndex).tokens();
  }

  @Override
  public String directive() {
    return lines.get(0).tokens().get(0);
  }

  @Override
  public List<Name> serverZones() {
    return List.of(Name.root);
  }

  @Override
  public Path baseDirectory() {
    return baseDirectory;
  }

  @Override
  public Location location() {
    return new Location("Corefile", lines.get(lineIndex).number());
  }

  @Override
  public String option() {
    return lineIndex == 0 ? null : tokens().get(0);
  }

  @Override
  public boolean hasNextArg() {
    return argIndex < tokens().size();
  }

  @Override
  public String nextArg(String what) throws ConfigException {
    if (!hasNextArg()) {
      throw error("expected " + what);
    }
    return tokens().get(argIndex++);
  }

  @Override
  public List<String> remainingArgs() {
    List<String> rest = new ArrayList<>(tokens().subList(argIndex, tokens().size()));
    argIndex = tokens().size();
    return rest;
  }

  @Override
  public void expectNoMoreArgs() throws ConfigException {
    if (hasNextArg()) {
      throw error("unexpected argument " + tokens().get(argIndex));
    }
  }

  @Override
  public int nextInt(String what, int min, int max) throws ConfigException {
    String text = nextArg(what);
    try {
      int value = Integer.parseInt(text);
      if (value < min || value > max) {
        throw error(what + " out of range: " + text);
      }
      return value;
    } catch (NumberFormatException e) {
      throw error(what + ": expected an integer, got \"" + text + "\"");
    }
  }

  private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

  @Override
  public Duration nextDuration(String what) throws ConfigException {
    String text = nextArg(what);
    if (text.matches("-?\\d+")) {
      return Duration.ofSeconds(Long.parseLong(text));
    }
    boolean negative = text.startsWith("-");
    String body = negative ? text.substring(1) : text;
    Matcher m = DURATION_PART.matcher(body);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      double amount = Double.parseDouble(m.group(1));
      long nanos =
          switch (m.group(2)) {
            case "ms" -> (long) (amount * 1e6);
            case "s" -> (long) (amount * 1e9);
            case "m" -> (long) (amount * 60e9);
            default -> (long) (amount * 3600e9);
          };
      total = total.plusNanos(nanos);
      end = m.end();
    }
    if (end != body.length() || end == 0) {
      throw error(what + ": not a duration: " + text);
    }
    return negative ? total.negated() : total;
  }

  @Override
  public InetSocketAddress nextAddress(String what, int defaultPort) throws ConfigException {
    InetSocketAddress address = ForwardFactory.parseIpAndPort(nextArg(what), defaultPort);
    if (address == null) {
      throw error(what + ": not an address");
    }
    return address;
  }

  @Override
  public Name nextZone(String what) throws ConfigException {
    return Names.zone(nextArg(what));
  }

  @Override
  public List<Name> remainingZonesOrServerZones() {
    List<String> rest = remainingArgs();
    return rest.isEmpty() ? serverZones() : rest.stream().map(Names::zone).toList();
  }

  @Override
  public Path nextPath(String what) throws ConfigException {
    return baseDirectory.resolve(nextArg(what));
  }

  @Override
  public boolean nextOption() throws ConfigException {
    if (hasNextArg()) {
      throw error("unexpected argument " + tokens().get(argIndex));
    }
    if (lineIndex + 1 >= lines.size()) {
      return false;
    }
    lineIndex++;
    argIndex = 1;
    return true;
  }

  @Override
  public ConfigException error(String message) {
    String prefix = option() == null ? "" : option() + ": ";
    return new ConfigException(location(), directive(), prefix + message);
  }

  @Override
  public ConfigException unknownOption(Collection<String> known) {
    return error("unknown option '" + option() + "', expected one of " + known);
  }

  @Override
  public void warn(String message) {
    warnings.add(location() + ": " + message);
  }
}
