package dev.corvus.dns.plugin.debug.testkit;

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
 * A {@link ConfigReader} over one directive written as in a Corefile, for factory tests without a
 * server: {@code ScriptedConfig.of("log . {combined} {\n class denial\n}")}.
 */
public final class ScriptedConfig implements ConfigReader {

  private static final Pattern TOKEN = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"|(\\S+)");
  private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  private final List<List<String>> lines;
  private final List<Name> zones;
  private final List<String> warnings = new ArrayList<>();
  private int line;
  private int arg = 1; // the directive line starts after its name

  private ScriptedConfig(List<List<String>> lines, List<Name> zones) {
    this.lines = lines;
    this.zones = zones;
  }

  /** The directive in the root zone's server block. */
  public static ScriptedConfig of(String text) {
    return of(text, List.of(Name.root));
  }

  /** The directive in a server block with {@code zones}. */
  public static ScriptedConfig of(String text, List<Name> zones) {
    List<List<String>> lines = new ArrayList<>();
    for (String raw : text.split("\n")) {
      List<String> tokens = new ArrayList<>();
      Matcher m = TOKEN.matcher(raw);
      boolean lastQuoted = false;
      while (m.find()) {
        lastQuoted = m.group(1) != null;
        tokens.add(lastQuoted ? m.group(1) : m.group(2));
      }
      if (!tokens.isEmpty() && tokens.get(tokens.size() - 1).equals("{") && !lastQuoted) {
        tokens.remove(tokens.size() - 1);
      }
      if (tokens.equals(List.of("}")) || tokens.isEmpty()) {
        continue;
      }
      lines.add(tokens);
    }
    return new ScriptedConfig(lines, zones);
  }

  /** Warnings logged through {@link #warn}. */
  public List<String> warnings() {
    return warnings;
  }

  /** Whether every line and argument was read. */
  public boolean fullyRead() {
    return line == lines.size() - 1 && arg == lines.get(line).size();
  }

  @Override
  public String directive() {
    return lines.get(0).get(0);
  }

  @Override
  public List<Name> serverZones() {
    return zones;
  }

  @Override
  public Path baseDirectory() {
    return Path.of(".");
  }

  @Override
  public Location location() {
    return new Location("Corefile", line + 1);
  }

  @Override
  public String option() {
    return line == 0 ? null : lines.get(line).get(0);
  }

  @Override
  public boolean hasNextArg() {
    return arg < lines.get(line).size();
  }

  @Override
  public String nextArg(String what) throws ConfigException {
    if (!hasNextArg()) {
      throw error("missing " + what);
    }
    return lines.get(line).get(arg++);
  }

  @Override
  public List<String> remainingArgs() {
    List<String> current = lines.get(line);
    List<String> rest = List.copyOf(current.subList(arg, current.size()));
    arg = current.size();
    return rest;
  }

  @Override
  public void expectNoMoreArgs() throws ConfigException {
    if (hasNextArg()) {
      throw error("unexpected argument " + lines.get(line).get(arg));
    }
  }

  @Override
  public int nextInt(String what, int min, int max) throws ConfigException {
    String text = nextArg(what);
    try {
      int value = Integer.parseInt(text);
      if (value < min || value > max) {
        throw error(what + " must be in [" + min + ", " + max + "], got " + value);
      }
      return value;
    } catch (NumberFormatException e) {
      throw error(what + ": expected an integer, got \"" + text + "\"");
    }
  }

  @Override
  public Duration nextDuration(String what) throws ConfigException {
    String text = nextArg(what);
    if (text.matches("\\d+")) {
      return Duration.ofSeconds(Long.parseLong(text));
    }
    Matcher m = GO_DURATION.matcher(text);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      double n = Double.parseDouble(m.group(1));
      long nanosPerUnit = switch (m.group(2)) {
        case "ns" -> 1L;
        case "us", "µs" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        default -> 3_600_000_000_000L;
      };
      total = total.plusNanos((long) (n * nanosPerUnit));
      end = m.end();
    }
    if (end != text.length() || end == 0) {
      throw error(what + ": expected a duration such as 5s, got \"" + text + "\"");
    }
    return total;
  }

  @Override
  public InetSocketAddress nextAddress(String what, int defaultPort) throws ConfigException {
    String text = nextArg(what);
    String host = text;
    int port = defaultPort;
    int colon = text.lastIndexOf(':');
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      host = text.substring(1, close);
      if (close + 1 < text.length()) {
        port = Integer.parseInt(text.substring(close + 2));
      }
    } else if (colon >= 0 && text.indexOf(':') == colon) {
      host = text.substring(0, colon);
      port = Integer.parseInt(text.substring(colon + 1));
    }
    try {
      return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(Names.parseAddressLiteral(host), port);
    } catch (IllegalArgumentException e) {
      throw error(what + ": " + e.getMessage());
    }
  }

  @Override
  public Name nextZone(String what) throws ConfigException {
    return Names.zone(nextArg(what));
  }

  @Override
  public List<Name> remainingZonesOrServerZones() throws ConfigException {
    List<Name> result = new ArrayList<>();
    for (String s : remainingArgs()) {
      result.add(Names.zone(s));
    }
    return result.isEmpty() ? zones : result;
  }

  @Override
  public Path nextPath(String what) throws ConfigException {
    return baseDirectory().resolve(nextArg(what));
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
    return new ConfigException(location(), directive(), (option == null ? "" : option + ": ") + message);
  }

  @Override
  public ConfigException unknownOption(Collection<String> known) {
    return error("unknown option " + option() + ", expected one of " + known);
  }

  @Override
  public void warn(String message) {
    warnings.add(location() + ": " + directive() + ": " + message);
  }
}
