package dev.corvus.dns.api.config;

import dev.corvus.dns.api.net.Cidr;
import dev.corvus.dns.api.net.HostPort;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * A cursor over one occurrence of a directive in a server block, as a plugin factory reads it:
 *
 * <pre>{@code
 * forward . 10.0.0.1 10.0.0.2 {     <- arguments of the directive
 *     max_fails 3                   <- an option of its block, with its own arguments
 *     except example.org
 * }
 * }</pre>
 *
 * <p>At first the cursor is on the directive line: {@link #nextArg} and friends read its
 * arguments. {@link #nextOption} moves to the next line of the nested block, whose name is {@link
 * #option()} and whose arguments the same methods then read. Every error names the file, the
 * line and the directive: {@code Corefile:12: forward: max_fails: expected an integer, got
 * "three"}.
 *
 * <p>A factory must read everything: the server rejects a directive whose arguments or options
 * were not all consumed, so a typo is never silently ignored.
 */
public interface ConfigReader {

  /** The directive's name as written. */
  String directive();

  /** The zones of the server block (lower case, absolute), e.g. {@code [cluster.local.]}. */
  List<Name> serverZones();

  /** The directory of the Corefile, against which relative file names are resolved. */
  Path baseDirectory();

  /** Where the cursor is: the directive line, or the current option's line. */
  Location location();

  /** The name of the current option, or {@code null} while on the directive line. */
  String option();

  /** Whether another argument follows on the current line. */
  boolean hasNextArg();

  /**
   * The next argument of the current line.
   *
   * @param what what the argument is, used in the error when it is missing (e.g. {@code "TTL"})
   */
  String nextArg(String what) throws ConfigException;

  /** Every argument left on the current line (possibly none). */
  List<String> remainingArgs();

  /** Fails unless the current line has no more arguments. */
  void expectNoMoreArgs() throws ConfigException;

  /**
   * The next argument as an integer in {@code [min, max]}.
   *
   * @param what what the number is, for the error message
   */
  int nextInt(String what, int min, int max) throws ConfigException;

  /**
   * The next argument as a duration in Go's syntax, as CoreDNS writes them ({@code 5s}, {@code
   * 1m30s}, {@code 250ms}); a bare integer means seconds.
   */
  Duration nextDuration(String what) throws ConfigException;

  /**
   * The next argument as an address to bind or connect to: {@code host[:port]} or {@code
   * [v6]:port} with an IP literal host (empty host meaning all addresses, {@code localhost} the
   * loopback address), with {@code defaultPort} when none is given (see {@link HostPort}). Host
   * names are not resolved.
   */
  InetSocketAddress nextAddress(String what, int defaultPort) throws ConfigException;

  /**
   * The next argument as {@code host[:port]} whose host may be a name (resolved later, by the
   * plugin), with {@code defaultPort} when none is given.
   */
  HostPort nextHostPort(String what, int defaultPort) throws ConfigException;

  /**
   * The next argument as a network in CIDR notation ({@code 10.0.0.0/8}); with {@code
   * bareAddress}, a plain address is taken as a single host, as CoreDNS's {@code acl} does.
   */
  Cidr nextCidr(String what, boolean bareAddress) throws ConfigException;

  /**
   * The remaining arguments (none to three) as CoreDNS's TLS arguments: none — the system's CAs;
   * {@code CA}; {@code CERT KEY}; {@code CERT KEY CA}. Paths resolve against {@link
   * #baseDirectory()} and must name readable files.
   */
  TlsFiles remainingTlsFiles() throws ConfigException;

  /**
   * The next argument as a zone: lower case and absolute. Relative names are taken as written
   * from the root ({@code example.org} → {@code example.org.}).
   */
  Name nextZone(String what) throws ConfigException;

  /**
   * The remaining arguments as zones, or the server block's zones when none are left; zones
   * outside the server block's zones are errors, as in CoreDNS.
   */
  List<Name> remainingZonesOrServerZones() throws ConfigException;

  /** The next argument as a path, resolved against {@link #baseDirectory()}. */
  Path nextPath(String what) throws ConfigException;

  /**
   * Moves to the next line of the directive's block.
   *
   * @return {@code false} when the block has no more lines (or there is no block)
   * @throws ConfigException when arguments of the current line were left unread
   */
  boolean nextOption() throws ConfigException;

  /**
   * An error at the current line: {@code file:line: directive: [option: ]message}.
   *
   * @param message what is wrong and what was expected
   */
  ConfigException error(String message);

  /**
   * The error for an unknown option, with a did-you-mean suggestion taken from {@code known}
   * when one is close.
   */
  ConfigException unknownOption(Collection<String> known);

  /**
   * Logs a warning naming the location, e.g. for deprecated CoreDNS options that are accepted but
   * have no effect ({@code upstream} in {@code kubernetes}).
   */
  void warn(String message);
}
