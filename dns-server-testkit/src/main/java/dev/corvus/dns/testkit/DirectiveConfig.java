package dev.corvus.dns.testkit;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.config.Location;
import dev.corvus.dns.api.config.TlsFiles;
import dev.corvus.dns.api.net.Cidr;
import dev.corvus.dns.api.net.HostPort;
import dev.corvus.dns.server.corefile.DirectiveReader;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xbill.DNS.Name;

/**
 * The server's {@link ConfigReader} over one directive of test Corefile text (see {@link
 * PluginTestKit#config}), which also keeps the warnings the factory gave, so a test can assert
 * that a deprecated option was accepted with a warning. Errors read {@code <test>:line: ...}.
 */
public final class DirectiveConfig implements ConfigReader {

  private final DirectiveReader reader;
  private final List<String> warnings = new CopyOnWriteArrayList<>();

  DirectiveConfig(DirectiveReader reader) {
    this.reader = reader;
  }

  /** The warnings given so far, each as {@code <test>:line: message}, in order. */
  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  /**
   * Fails as the server does when a factory left arguments, options or an option's block
   * unread.
   */
  public void finish() throws ConfigException {
    reader.finish();
  }

  @Override
  public void warn(String message) {
    warnings.add(location() + ": " + message);
    reader.warn(message);
  }

  @Override
  public String directive() {
    return reader.directive();
  }

  @Override
  public List<Name> serverZones() {
    return reader.serverZones();
  }

  @Override
  public Path baseDirectory() {
    return reader.baseDirectory();
  }

  @Override
  public Location location() {
    return reader.location();
  }

  @Override
  public String option() {
    return reader.option();
  }

  @Override
  public boolean hasNextArg() {
    return reader.hasNextArg();
  }

  @Override
  public String nextArg(String what) throws ConfigException {
    return reader.nextArg(what);
  }

  @Override
  public List<String> remainingArgs() {
    return reader.remainingArgs();
  }

  @Override
  public void expectNoMoreArgs() throws ConfigException {
    reader.expectNoMoreArgs();
  }

  @Override
  public int nextInt(String what, int min, int max) throws ConfigException {
    return reader.nextInt(what, min, max);
  }

  @Override
  public Duration nextDuration(String what) throws ConfigException {
    return reader.nextDuration(what);
  }

  @Override
  public InetSocketAddress nextAddress(String what, int defaultPort) throws ConfigException {
    return reader.nextAddress(what, defaultPort);
  }

  @Override
  public HostPort nextHostPort(String what, int defaultPort) throws ConfigException {
    return reader.nextHostPort(what, defaultPort);
  }

  @Override
  public Cidr nextCidr(String what, boolean bareAddress) throws ConfigException {
    return reader.nextCidr(what, bareAddress);
  }

  @Override
  public TlsFiles remainingTlsFiles() throws ConfigException {
    return reader.remainingTlsFiles();
  }

  @Override
  public Name nextZone(String what) throws ConfigException {
    return reader.nextZone(what);
  }

  @Override
  public List<Name> remainingZonesOrServerZones() throws ConfigException {
    return reader.remainingZonesOrServerZones();
  }

  @Override
  public Path nextPath(String what) throws ConfigException {
    return reader.nextPath(what);
  }

  @Override
  public boolean nextOption() throws ConfigException {
    return reader.nextOption();
  }

  @Override
  public ConfigException error(String message) {
    return reader.error(message);
  }

  @Override
  public ConfigException unknownOption(Collection<String> known) {
    return reader.unknownOption(known);
  }
}
