package dev.corvus.dns.server.corefile;

import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.config.Location;
import dev.corvus.dns.api.config.TlsFiles;
import dev.corvus.dns.api.net.Cidr;
import dev.corvus.dns.api.net.HostPort;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;

/**
 * The {@link ConfigReader} over one parsed {@link Directive}.
 *
 * <p>An option may open a block of its own ({@code tls { ... }} inside a directive's block).
 * Plugins see only {@link ConfigReader}, which has no way to enter it, so such a block is an
 * error ({@code unexpected block after "tls"}) unless the server (or a plugin built against this
 * class) reads it through {@link #nestedBlock()}.
 *
 * <p>After the factory returned, the server calls {@link #finish()}: arguments or lines left
 * unread are errors, so a typo is never silently ignored.
 */
public final class DirectiveReader implements ConfigReader {

  private static final Logger LOG = LoggerFactory.getLogger(DirectiveReader.class);

  private final Directive directive;
  private final String directiveName;
  private final List<String> enclosingOptions;
  private final List<Name> serverZones;
  private final Path baseDirectory;

  private int lineIndex = -1; // -1: the directive line; block().size(): past the last line
  private Directive line;
  private int argIndex;
  private Token lastArg;
  private DirectiveReader openedBlock;

  /**
   * @param directive the directive to read
   * @param serverZones the zones of its server block, lower case and absolute
   * @param baseDirectory the Corefile's directory
   */
  public DirectiveReader(Directive directive, List<Name> serverZones, Path baseDirectory) {
    this(directive, directive.name().text(), List.of(), serverZones, baseDirectory);
  }

  private DirectiveReader(
      Directive directive,
      String directiveName,
      List<String> enclosingOptions,
      List<Name> serverZones,
      Path baseDirectory) {
    this.directive = directive;
    this.directiveName = directiveName;
    this.enclosingOptions = enclosingOptions;
    this.serverZones = List.copyOf(serverZones);
    this.baseDirectory = baseDirectory;
    this.line = directive;
  }

  @Override
  public String directive() {
    return directiveName;
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
    return line.location();
  }

  @Override
  public String option() {
    return onOption() ? line.name().text() : null;
  }

  private boolean onOption() {
    return lineIndex >= 0 && lineIndex < directive.block().size();
  }

  @Override
  public boolean hasNextArg() {
    return onLine() && argIndex < line.args().size();
  }

  private boolean onLine() {
    return lineIndex < directive.block().size();
  }

  @Override
  public String nextArg(String what) throws ConfigException {
    if (!hasNextArg()) {
      throw error("missing " + what);
    }
    lastArg = line.args().get(argIndex++);
    return lastArg.text();
  }

  @Override
  public List<String> remainingArgs() {
    List<String> rest = new ArrayList<>();
    while (hasNextArg()) {
      lastArg = line.args().get(argIndex++);
      rest.add(lastArg.text());
    }
    return rest;
  }

  @Override
  public void expectNoMoreArgs() throws ConfigException {
    if (hasNextArg()) {
      throw error("unexpected argument \"" + line.args().get(argIndex).text() + "\"");
    }
  }

  @Override
  public int nextInt(String what, int min, int max) throws ConfigException {
    String text = nextArg(what);
    int value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw error("expected an integer for " + what + ", got \"" + text + "\"");
    }
    if (value < min || value > max) {
      throw error(what + " must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  @Override
  public Duration nextDuration(String what) throws ConfigException {
    String text = nextArg(what);
    try {
      return GoDuration.parse(text);
    } catch (IllegalArgumentException e) {
      throw error(
          "expected a duration for " + what + " (e.g. 5s, 1m30s, 250ms), got \"" + text + "\"");
    }
  }

  @Override
  public InetSocketAddress nextAddress(String what, int defaultPort) throws ConfigException {
    HostPort hostPort = nextHostPort(what, defaultPort);
    try {
      return hostPort.literalAddress();
    } catch (IllegalArgumentException e) {
      throw error(what + ": " + e.getMessage());
    }
  }

  @Override
  public HostPort nextHostPort(String what, int defaultPort) throws ConfigException {
    String text = nextArg(what);
    try {
      return HostPort.parse(text, defaultPort);
    } catch (IllegalArgumentException e) {
      throw error(what + ": " + e.getMessage() + " in \"" + text + "\"");
    }
  }

  @Override
  public Cidr nextCidr(String what, boolean bareAddress) throws ConfigException {
    String text = nextArg(what);
    try {
      return bareAddress ? Cidr.parseHostOrNetwork(text) : Cidr.parse(text);
    } catch (IllegalArgumentException e) {
      throw error(what + ": " + e.getMessage());
    }
  }

  @Override
  public TlsFiles remainingTlsFiles() throws ConfigException {
    List<Path> paths = new ArrayList<>();
    while (hasNextArg()) {
      if (paths.size() == 3) {
        throw error("expected at most 3 TLS arguments (CERT KEY CA), got more");
      }
      Path path = nextPath("TLS file");
      if (!Files.isReadable(path)) {
        throw error("cannot read " + path);
      }
      paths.add(path);
    }
    return switch (paths.size()) {
      case 0 -> TlsFiles.NONE;
      case 1 -> new TlsFiles(Optional.empty(), Optional.empty(), Optional.of(paths.get(0)));
      case 2 -> new TlsFiles(Optional.of(paths.get(0)), Optional.of(paths.get(1)), Optional.empty());
      default -> new TlsFiles(Optional.of(paths.get(0)), Optional.of(paths.get(1)), Optional.of(paths.get(2)));
    };
  }

  @Override
  public Name nextZone(String what) throws ConfigException {
    String text = nextArg(what);
    List<Name> zones = zones(text);
    if (zones.size() != 1) {
      throw error("expected a single zone for " + what + ", got \"" + text + "\" covering " + zones.size() + " zones");
    }
    return zones.get(0);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Arguments are read as CoreDNS reads plugin zones: a scheme or port is ignored and a CIDR
   * expands to its reverse zones.
   */
  @Override
  public List<Name> remainingZonesOrServerZones() throws ConfigException {
    if (!hasNextArg()) {
      return serverZones;
    }
    Set<Name> zones = new LinkedHashSet<>();
    while (hasNextArg()) {
      String text = nextArg("zone");
      for (Name zone : zones(text)) {
        if (!Names.inAny(zone, serverZones)) {
          throw error("zone \"" + zone + "\" is not in the server block's zones " + serverZones.stream()
              .map(Name::toString)
              .collect(Collectors.joining(", ", "(", ")")));
        }
        zones.add(zone);
      }
    }
    return List.copyOf(zones);
  }

  private List<Name> zones(String text) throws ConfigException {
    try {
      return ZoneKey.parse(text).zones();
    } catch (IllegalArgumentException e) {
      throw error(e.getMessage());
    }
  }

  @Override
  public Path nextPath(String what) throws ConfigException {
    String text = nextArg(what);
    if (text.isEmpty()) {
      throw error("expected a path for " + what + ", got \"\"");
    }
    try {
      return baseDirectory.resolve(text).normalize();
    } catch (InvalidPathException e) {
      throw error("expected a path for " + what + ", got \"" + text + "\": " + e.getReason());
    }
  }

  @Override
  public boolean nextOption() throws ConfigException {
    checkLineRead();
    if (lineIndex < directive.block().size()) {
      lineIndex++;
    }
    argIndex = 0;
    lastArg = null;
    openedBlock = null;
    if (onOption()) {
      line = directive.block().get(lineIndex);
      return true;
    }
    line = directive;
    return false;
  }

  /**
   * A reader over the block the current option opens (empty when it opens none), for options
   * with options of their own. Its {@link #nextOption()} walks the nested lines; its errors read
   * {@code file:line: directive: option: nested-option: message}. Once opened, the block is
   * checked by this reader's {@link #nextOption()} and {@link #finish()}.
   *
   * @throws IllegalStateException when the cursor is not on an option
   */
  public DirectiveReader nestedBlock() {
    if (!onOption()) {
      throw new IllegalStateException("not on an option line");
    }
    if (openedBlock == null) {
      List<String> path = new ArrayList<>(enclosingOptions);
      path.add(line.name().text());
      DirectiveReader nested =
          new DirectiveReader(line, directiveName, List.copyOf(path), serverZones, baseDirectory);
      nested.argIndex = line.args().size(); // the option's own arguments belong to this reader
      openedBlock = nested;
    }
    return openedBlock;
  }

  /**
   * Fails when anything was left unread: arguments of the current line, the rest of the block
   * ({@code unknown option}), or an option's own block.
   */
  public void finish() throws ConfigException {
    checkLineRead();
    int next = lineIndex + 1;
    if (next < directive.block().size()) {
      Directive unread = directive.block().get(next);
      throw new ConfigException(
          unread.location(), directiveName, prefix(enclosingOptions) + "unknown option \"" + unread.name().text() + "\"");
    }
  }

  private void checkLineRead() throws ConfigException {
    expectNoMoreArgs();
    if (!onOption()) {
      return;
    }
    if (openedBlock != null) {
      openedBlock.finish();
    } else if (!line.block().isEmpty()) {
      throw new ConfigException(
          line.block().get(0).location(),
          directiveName,
          prefix(enclosingOptions) + "unexpected block after \"" + line.name().text() + "\"");
    }
  }

  @Override
  public ConfigException error(String message) {
    return new ConfigException(location(), directiveName, prefix(path()) + message);
  }

  @Override
  public ConfigException unknownOption(Collection<String> known) {
    String word;
    String kind;
    if (option() != null) {
      word = option();
      kind = "option";
    } else {
      word = lastArg != null ? lastArg.text() : directiveName;
      kind = "argument";
    }
    String suggestion = Suggestions.closest(word, known);
    String message = "unknown " + kind + " \"" + word + "\""
        + (suggestion == null ? "" : ", did you mean \"" + suggestion + "\"?");
    List<String> context = option() != null ? enclosingOptions : path();
    return new ConfigException(location(), directiveName, prefix(context) + message);
  }

  @Override
  public void warn(String message) {
    LOG.warn("{}: {}: {}{}", location(), directiveName, prefix(path()), message);
  }

  /** The option names leading to the current line, outermost first. */
  private List<String> path() {
    if (option() == null) {
      return enclosingOptions;
    }
    List<String> path = new ArrayList<>(enclosingOptions);
    path.add(option());
    return path;
  }

  private static String prefix(List<String> options) {
    return options.isEmpty() ? "" : String.join(": ", options) + ": ";
  }
}
