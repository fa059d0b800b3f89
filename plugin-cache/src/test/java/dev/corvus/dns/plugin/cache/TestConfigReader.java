package dev.corvus.dns.plugin.cache;

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
 * A {@link ConfigReader} over one directive written as in a Corefile, for parser tests that run
 * without the server: {@code cache 30 { success 10 }}.
 */
final class TestConfigReader implements ConfigReader {

  private static final Pattern GO_DURATION = Pattern.compile("(\\d+)(ms|h|m|s)");

  private final List<List<String>> lines = new ArrayList<>();
  private final List<Name> serverZones;
  private int line;
  private int arg = 1;

  TestConfigReader(String text, String... serverZones) {
    for (String raw : text.replace("{", "\n").replace("}", "\n").split("\n")) {
      String trimmed = raw.trim();
      if (!trimmed.isEmpty()) {
        lines.add(Arrays.asList(trimmed.split("\\s+")));
      }
    }
    this.serverZones = serverZones.length == 0
        ? List.of(Name.root)
        : Arrays.stream(serverZones).map(Names::zone).toList();
  }

  private List<String> current() {
    return lines.get(line);
  }

  @Override
  public String directive() {
    return lines.get(0).get(0);
  }

  @Override
  public List<Name> serverZones() {
    return serverZones;
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
    return line == 0 ? null : current().get(0);
  }

  @Override
  public boolean hasNextArg() {
    return arg < current().size();
  }

  @Override
  public String nextArg(String what) throws ConfigException {
    if (!hasNextArg()) {
      throw error("missing " + what);
    }
    return current().get(arg++);
  }

  @Override
  public List<String> remainingArgs() {
    List<String> rest = List.copyOf(current().subList(arg, current().size()));
    arg = current().size();
    return rest;
  }

  @Override
  public void expectNoMoreArgs() throws ConfigException {
    if (hasNextArg()) {
      throw error("unexpected argument " + current().get(arg));
    }
  }

  @Override
  public int nextInt(String what, int min, int max) throws ConfigException {
    String text = nextArg(what);
    try {
      int value = Integer.parseInt(text);
      if (value < min || value > max) {
        throw error(what + " out of range: " + value);
      }
      return value;
    } catch (NumberFormatException e) {
      throw error(what + ": expected an integer, got \"" + text + "\"");
    }
  }

  @Override
  public Duration nextDuration(String what) throws ConfigException {
    String text = nextArg(what);
    if (text.matches("-?\\d+")) {
      return Duration.ofSeconds(Long.parseLong(text));
    }
    boolean negative = text.startsWith("-");
    String body = negative ? text.substring(1) : text;
    Matcher matcher = GO_DURATION.matcher(body);
    Duration total = Duration.ZERO;
    int end = 0;
    while (matcher.find() && matcher.start() == end) {
      long amount = Long.parseLong(matcher.group(1));
      total = total.plus(switch (matcher.group(2)) {
        case "h" -> Duration.ofHours(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "s" -> Duration.ofSeconds(amount);
        default -> Duration.ofMillis(amount);
      });
      end = matcher.end();
    }
    if (end != body.length() || body.isEmpty()) {
      throw error(what + ": expected a duration, got \"" + text + "\"");
    }
    return negative ? total.negated() : total;
  }

  @Override
  public InetSocketAddress nextAddress(String what, int defaultPort) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Name nextZone(String what) throws ConfigException {
    return Names.zone(nextArg(what));
  }

  @Override
  public List<Name> remainingZonesOrServerZones() {
    List<String> rest = remainingArgs();
    return rest.isEmpty() ? serverZones : rest.stream().map(Names::zone).toList();
  }

  @Override
  public Path nextPath(String what) {
    throw new UnsupportedOperationException();
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
    return new ConfigException(location(), directive(), (option() == null ? "" : option() + ": ") + message);
  }

  @Override
  public ConfigException unknownOption(Collection<String> known) {
    return error("unknown option " + option() + ", expected one of " + known);
  }

  @Override
  public void warn(String message) {}
}
