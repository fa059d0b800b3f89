package dev.corvus.dns.plugin.forward;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.config.Location;
import dev.corvus.dns.api.config.TlsFiles;
import dev.corvus.dns.api.io.IoLoops;
import dev.corvus.dns.api.io.TlsClient;
import dev.corvus.dns.api.net.HostPort;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.SNIHostName;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;

/**
 * The {@code forward} directive:
 *
 * <pre>
 * forward FROM TO... {
 *     except IGNORED_NAMES...
 *     force_tcp
 *     prefer_udp
 *     expire DURATION
 *     max_fails INTEGER
 *     tls [CERT KEY] [CA]
 *     tls_servername NAME
 *     doh_method GET|POST
 *     policy random|round_robin|sequential
 *     health_check DURATION [no_rec] [domain FQDN]
 *     max_concurrent MAX
 *     next RCODE...
 *     failfast_all_unhealthy_upstreams
 *     failover RCODE...
 *     max_connect_attempts INTEGER
 *     read_timeout DURATION
 *     max_idle_conns INTEGER
 *     max_age DURATION
 *     next_on_nodata
 *     source_address IP
 *     resolver IP[:PORT]...
 * }
 * </pre>
 *
 * {@code TO} is {@code IP[:PORT]}, {@code dns://IP[:PORT]}, {@code tls://IP[:PORT]} (port 853,
 * optionally with its own TLS server name: {@code tls://IP%NAME[:PORT]}), {@code
 * https://IP[%NAME][:PORT]} (DNS over HTTPS, port 443, path {@code /dns-query}), the path of a
 * resolv.conf-style file, read here so that {@code corvus check} reports a missing one, and
 * re-read while running, or a host name ({@code [dns://|tls://|https://]HOST[%NAME][:PORT]}),
 * resolved while the plugin runs.
 */
@AutoService(PluginFactory.class)
public final class ForwardFactory implements PluginFactory {

  static final List<String> KNOWN_OPTIONS =
      List.of(
          "except",
          "force_tcp",
          "prefer_udp",
          "expire",
          "max_fails",
          "tls",
          "tls_servername",
          "doh_method",
          "policy",
          "health_check",
          "max_concurrent",
          "next",
          "failfast_all_unhealthy_upstreams",
          "failover",
          "max_connect_attempts",
          "read_timeout",
          "max_idle_conns",
          "max_age",
          "next_on_nodata",
          "source_address",
          "resolver");

  private static final int DNS_PORT = 53;

  /** Public for {@link java.util.ServiceLoader}. */
  public ForwardFactory() {}

  @Override
  public String directive() {
    return "forward";
  }

  /** CoreDNS allows several {@code forward}s in a block; they run in Corefile order. */
  @Override
  public boolean repeatable() {
    return true;
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    ForwardConfig parsed = parse(config, context.ioLoops());
    ForwardPlugin plugin = new ForwardPlugin(parsed, context);
    context.inspectors().register(plugin.inspector());
    return plugin;
  }

  /**
   * Parses one occurrence of the directive.
   *
   * @param loops checks the TLS settings while the Corefile is read ({@link IoLoops#tlsClient}),
   *     so that {@code corvus check} reports a bad file at its line
   */
  static ForwardConfig parse(ConfigReader config, IoLoops loops) throws ConfigException {
    Name from = parseFrom(config, config.nextArg("FROM"));
    if (!config.hasNextArg()) {
      throw config.error("expected at least one TO address after FROM");
    }
    List<String> toArgs = config.remainingArgs();
    List<Destination> destinations = new ArrayList<>();
    for (String to : toArgs) {
      Destination destination = parseDestination(config, to);
      if (destination != null) {
        destinations.add(destination);
      }
    }
    List<UpstreamAddress> upstreams = ForwardConfig.distinctUpstreams(destinations);
    long hostNames = destinations.stream().filter(d -> d instanceof Destination.HostName).count();
    if (upstreams.isEmpty() && hostNames == 0) {
      throw config.error("no valid upstream addresses found in " + String.join(" ", toArgs));
    }
    if (upstreams.size() + hostNames > ForwardConfig.MAX_UPSTREAMS) {
      throw config.error(
          "more than " + ForwardConfig.MAX_UPSTREAMS + " TOs configured: " + (upstreams.size() + hostNames));
    }
    Set<String> httpsServerNames = new TreeSet<>();
    Set<String> tlsServerNames = new TreeSet<>();
    for (Destination destination : destinations) {
      if (schemeOf(destination) == UpstreamScheme.TLS) {
        serverNameOf(destination).ifPresent(tlsServerNames::add);
      } else {
        serverNameOf(destination).ifPresent(httpsServerNames::add);
      }
    }
    boolean https = destinations.stream().anyMatch(d -> schemeOf(d) == UpstreamScheme.HTTPS);

    List<Name> except = new ArrayList<>();
    boolean forceTcp = false;
    boolean preferUdp = false;
    Duration expire = ForwardConfig.DEFAULT_EXPIRE;
    Location expireAt = null;
    int maxFails = ForwardConfig.DEFAULT_MAX_FAILS;
    TlsFiles tlsFiles = TlsFiles.NONE;
    TlsClient checkedFiles = null;
    Optional<String> serverName = Optional.empty();
    Policy policy = Policy.RANDOM;
    HealthCheckSettings healthCheck = HealthCheckSettings.DEFAULT;
    int maxConcurrent = 0;
    Set<Integer> next = new HashSet<>();
    boolean failfast = false;
    Set<Integer> failover = new HashSet<>();
    int maxConnectAttempts = 0;
    Duration readTimeout = ForwardConfig.DEFAULT_READ_TIMEOUT;
    int maxIdleConns = 0;
    Duration maxAge = Duration.ZERO;
    Location maxAgeAt = null;
    boolean nextOnNodata = false;
    Optional<InetAddress> sourceAddress = Optional.empty();
    List<InetSocketAddress> resolvers = List.of();
    DohMethod dohMethod = DohMethod.POST;
    boolean dohMethodSet = false;

    while (config.nextOption()) {
      switch (config.option()) {
        case "except" -> {
          if (!config.hasNextArg()) {
            throw config.error("expected at least one name");
          }
          for (String name : config.remainingArgs()) {
            except.add(zone(config, name));
          }
        }
        case "force_tcp" -> {
          config.expectNoMoreArgs();
          forceTcp = true;
        }
        case "prefer_udp" -> {
          config.expectNoMoreArgs();
          preferUdp = true;
        }
        case "expire" -> {
          expire = config.nextDuration("DURATION");
          expireAt = config.location();
          if (expire.isNegative()) {
            throw config.error("expire can't be negative: " + expire);
          }
        }
        case "max_fails" -> maxFails = config.nextInt("INTEGER", 0, Integer.MAX_VALUE);
        case "tls" -> {
          tlsFiles = config.remainingTlsFiles();
          // Checked here, so a certificate that does not load is reported at this line.
          checkedFiles = tlsClient(config, loops, tlsFiles, Optional.empty(), "");
          if (https) {
            checkDohFiles(config, tlsFiles);
          }
        }
        case "tls_servername" -> {
          serverName = Optional.of(sniName(config, config.nextArg("NAME")));
          if (!tlsServerNames.isEmpty()) {
            // CoreDNS refuses the clash for tls:// upstreams only (setup.go: trans == transport.TLS).
            throw config.error(
                "both tls_servername ('" + serverName.get() + "') and per-upstream TLS server names of tls:// upstreams ("
                    + String.join(", ", tlsServerNames) + ") are set; use one or the other");
          }
          if (!httpsServerNames.isEmpty()) {
            // CoreDNS ignores %NAME for https:// and verifies tls_servername: so does Corvus when both are set.
            config.warn("tls_servername '" + serverName.get() + "' is used for https:// upstreams; their own server"
                + " names (" + String.join(", ", httpsServerNames) + ") are ignored, as CoreDNS ignores them");
          }
        }
        case "doh_method" -> {
          String method = config.nextArg("GET|POST");
          // CoreDNS compares with Go's http.MethodGet and http.MethodPost: upper case only.
          dohMethod = switch (method) {
            case "GET" -> DohMethod.GET;
            case "POST" -> DohMethod.POST;
            default -> throw config.error("doh_method must be either POST or GET, not '" + method + "'");
          };
          dohMethodSet = true;
        }
        case "policy" -> {
          String keyword = config.nextArg("POLICY");
          policy = Policy.fromKeyword(keyword);
          if (policy == null) {
            throw config.error(
                "unknown policy '" + keyword + "', expected random, round_robin or sequential");
          }
        }
        case "health_check" -> healthCheck = parseHealthCheck(config);
        case "max_concurrent" -> maxConcurrent = config.nextInt("MAX", 0, Integer.MAX_VALUE);
        case "next" -> next.addAll(parseRcodes(config, false));
        case "failfast_all_unhealthy_upstreams" -> {
          config.expectNoMoreArgs();
          failfast = true;
        }
        case "failover" -> failover.addAll(parseRcodes(config, true));
        case "max_connect_attempts" ->
            maxConnectAttempts = config.nextInt("INTEGER", 0, Integer.MAX_VALUE);
        case "read_timeout" -> {
          readTimeout = config.nextDuration("DURATION");
          if (readTimeout.isNegative() || readTimeout.isZero()) {
            throw config.error("read_timeout must be positive: " + readTimeout);
          }
        }
        case "max_idle_conns" -> maxIdleConns = config.nextInt("INTEGER", 0, Integer.MAX_VALUE);
        case "max_age" -> {
          maxAge = config.nextDuration("DURATION");
          maxAgeAt = config.location();
          if (maxAge.isNegative()) {
            throw config.error("max_age can't be negative: " + maxAge);
          }
        }
        case "next_on_nodata" -> {
          config.expectNoMoreArgs();
          nextOnNodata = true;
        }
        case "source_address" -> sourceAddress = Optional.of(parseSourceAddress(config, config.nextArg("IP")));
        case "resolver" -> resolvers = parseResolvers(config);
        default -> throw config.unknownOption(KNOWN_OPTIONS);
      }
    }
    if (!maxAge.isZero() && maxAge.compareTo(expire) < 0) {
      // At the later of the two lines, the one that made the pair wrong.
      Location at = expireAt != null && (maxAgeAt == null || isAfter(expireAt, maxAgeAt)) ? expireAt : maxAgeAt;
      throw new ConfigException(at, config.directive(),
          "max_age (" + ForwardSelfCheck.describe(maxAge) + ") must not be less than expire ("
              + ForwardSelfCheck.describe(expire) + ")");
    }
    if (sourceAddress.isPresent()) {
      for (UpstreamAddress upstream : upstreams) {
        if (!sameFamily(sourceAddress.get(), upstream.address().getAddress())) {
          config.warn("source_address " + sourceAddress.get().getHostAddress() + " and upstream " + upstream
              + " are not of one address family: queries to it cannot be sent");
        }
      }
    }
    if (sourceAddress.isPresent() && https) {
      config.warn("source_address does not apply to https:// upstreams: the JDK's HTTP client (Java 17) picks"
          + " the address DoH queries are sent from");
    }
    if (dohMethodSet && !https) {
      config.warn("doh_method has no effect: no TO is https://");
    }
    if (!resolvers.isEmpty() && hostNames == 0) {
      config.warn("resolver has no effect: no TO is a host name");
    }
    Optional<TlsClient> tlsClient = Optional.empty();
    boolean plainTls = upstreams.stream().anyMatch(u -> u.tls() && u.serverName().isEmpty())
        || destinations.stream().anyMatch(d -> d instanceof Destination.HostName host && host.tls()
            && host.serverName().isEmpty());
    if (plainTls) {
      tlsClient =
          Optional.of(
              checkedFiles != null && serverName.isEmpty()
                  ? checkedFiles
                  : tlsClient(config, loops, tlsFiles, serverName, "tls: "));
    }
    Map<String, TlsClient> namedTlsClients = new HashMap<>();
    for (String name : tlsServerNames) {
      namedTlsClients.put(name, tlsClient(config, loops, tlsFiles, Optional.of(name), "tls: "));
    }
    return new ForwardConfig(
        from,
        destinations,
        except,
        forceTcp,
        preferUdp,
        expire,
        maxFails,
        tlsFiles,
        serverName,
        tlsClient,
        policy,
        healthCheck,
        maxConcurrent,
        next,
        failfast,
        failover,
        maxConnectAttempts,
        readTimeout,
        namedTlsClients,
        maxIdleConns,
        maxAge,
        nextOnNodata,
        sourceAddress,
        resolvers,
        dohMethod);
  }

  /**
   * Loads the {@code tls} files as the DNS over HTTPS client will ({@link DohTls}), with the JDK
   * rather than the server's TLS library, so that a file only one of them reads is reported here.
   */
  private static void checkDohFiles(ConfigReader config, TlsFiles files) throws ConfigException {
    try {
      ProbeTls.keyManagers(files);
      ProbeTls.trustManager(files);
    } catch (IOException | GeneralSecurityException e) {
      throw config.error("cannot load the tls files for https:// upstreams: " + e.getMessage());
    }
  }

  private static UpstreamScheme schemeOf(Destination destination) {
    if (destination instanceof Destination.Fixed fixed) {
      return fixed.upstream().scheme();
    }
    if (destination instanceof Destination.HostName host) {
      return host.scheme();
    }
    return UpstreamScheme.DNS;
  }

  private static boolean isAfter(Location a, Location b) {
    return a.file().equals(b.file()) && a.line() > b.line();
  }

  private static Optional<String> serverNameOf(Destination destination) {
    if (destination instanceof Destination.Fixed fixed) {
      return fixed.upstream().serverName();
    }
    if (destination instanceof Destination.HostName host) {
      return host.serverName();
    }
    return Optional.empty();
  }

  private static boolean sameFamily(InetAddress a, InetAddress b) {
    return (a instanceof Inet4Address) == (b instanceof Inet4Address);
  }

  /** {@code source_address IP}: an IP address literal, bound (with any port) by every socket. */
  private static InetAddress parseSourceAddress(ConfigReader config, String text) throws ConfigException {
    try {
      return Names.parseAddressLiteral(text);
    } catch (IllegalArgumentException e) {
      throw config.error("invalid IP address: " + text);
    }
  }

  /** {@code resolver IP[:PORT]...}: DNS servers to resolve host-name TOs with (port 53 by default). */
  private static List<InetSocketAddress> parseResolvers(ConfigReader config) throws ConfigException {
    if (!config.hasNextArg()) {
      throw config.error("expected at least one IP[:PORT]");
    }
    List<InetSocketAddress> resolvers = new ArrayList<>();
    for (String text : config.remainingArgs()) {
      HostPort hostPort;
      try {
        hostPort = HostPort.parse(text, DNS_PORT);
      } catch (IllegalArgumentException e) {
        hostPort = null;
      }
      if (hostPort == null || !hostPort.isAddressLiteral() || hostPort.host().isEmpty()) {
        throw config.error("resolver must be an IP address or IP:port: '" + text + "'");
      }
      if (hostPort.port() == 0) {
        throw config.error("port 0 is not a port to send queries to: '" + text + "'");
      }
      resolvers.add(hostPort.literalAddress());
    }
    return List.copyOf(resolvers);
  }

  /**
   * @param prefix what the error message starts with: nothing on the {@code tls} line, whose
   *     option the error names already
   */
  private static TlsClient tlsClient(
      ConfigReader config, IoLoops loops, TlsFiles files, Optional<String> serverName, String prefix)
      throws ConfigException {
    try {
      return loops.tlsClient(files, serverName);
    } catch (IllegalArgumentException e) {
      throw config.error(prefix + e.getMessage());
    }
  }

  private static Name parseFrom(ConfigReader config, String text) throws ConfigException {
    if (text.contains("/")) {
      List<Name> zones;
      try {
        zones = Names.reverseZones(text);
      } catch (IllegalArgumentException e) {
        throw config.error("unable to normalize '" + text + "': " + e.getMessage());
      }
      if (zones.size() > 1) {
        // CoreDNS keeps only the first zone of a CIDR that is not on an octet boundary.
        config.warn(
            "'" + text + "' expands to " + zones.size() + " zones; only " + zones.get(0) + " is used");
      }
      return zones.get(0);
    }
    return zone(config, text);
  }

  private static Name zone(ConfigReader config, String text) throws ConfigException {
    try {
      return Names.zone(text);
    } catch (IllegalArgumentException e) {
      throw config.error("not a valid domain name: '" + text + "'");
    }
  }

  /**
   * One TO argument: {@code [dns://|tls://|https://]IP[:PORT]} (IPv6 in brackets when a port
   * follows), read with {@link HostPort}, a resolv.conf-style file, or {@code
   * [dns://|tls://|https://]HOST[:PORT]}; a {@code tls://} or {@code https://} one may carry its
   * TLS server name ({@code tls://IP%NAME[:PORT]}, {@code tls://[IPv6%NAME]:PORT}). {@code null}
   * for a file without nameservers (CoreDNS skips it).
   */
  private static Destination parseDestination(ConfigReader config, String to)
      throws ConfigException {
    String rest = to;
    UpstreamScheme protocol = UpstreamScheme.DNS;
    int scheme = to.indexOf("://");
    if (scheme >= 0) {
      String name = to.substring(0, scheme).toLowerCase(Locale.ROOT);
      rest = to.substring(scheme + 3);
      protocol = UpstreamScheme.fromName(name);
      if (protocol == null) {
        throw config.error(
            "'" + name + "' is not supported as a destination protocol in forward: " + to);
      }
    }
    if (protocol == UpstreamScheme.HTTPS && rest.contains("/")) {
      // CoreDNS's DoH client always asks /dns-query.
      throw config.error(
          "paths are not allowed in HTTPS upstream addresses (the /dns-query path is used by default): " + to);
    }
    if (rest.isEmpty()) {
      throw config.error("invalid address: '" + to + "'");
    }
    boolean tls = protocol.encrypted();
    Optional<String> serverName = Optional.empty();
    int percent = rest.lastIndexOf('%');
    if (percent >= 0) {
      if (!tls) {
        throw config.error("a TLS server name (%NAME) is only for tls:// and https:// upstreams: '" + to + "'");
      }
      String[] split = splitServerName(rest, percent);
      if (split == null) {
        String form = protocol.schemeName() + "://";
        throw config.error(
            "expected " + form + "IP%NAME[:PORT] or " + form + "[IPv6%NAME][:PORT]: '" + to + "'");
      }
      rest = split[0];
      serverName = Optional.of(sniName(config, split[1]));
    }
    HostPort hostPort;
    try {
      hostPort = HostPort.parse(rest, protocol.defaultPort());
    } catch (IllegalArgumentException e) {
      hostPort = null; // not host[:port]: perhaps a file name with a colon
    }
    if (hostPort != null && hostPort.isAddressLiteral() && !hostPort.host().isEmpty()) {
      if (hostPort.port() == 0) {
        throw config.error("port 0 is not a port to send queries to: '" + to + "'");
      }
      return new Destination.Fixed(new UpstreamAddress(hostPort.literalAddress(), protocol, serverName));
    }
    if (scheme < 0) {
      Path file = config.baseDirectory().resolve(rest);
      if (Files.isRegularFile(file)) {
        return resolvConf(config, file);
      }
    }
    if (hostPort == null || !isHostName(hostPort.host())) {
      throw config.error("not an IP address, file, or valid domain: '" + to + "'");
    }
    if (hostPort.port() == 0) {
      throw config.error("port 0 is not a port to send queries to: '" + to + "'");
    }
    if (scheme < 0 && hostPort.host().endsWith(".conf")) {
      config.warn("no file " + config.baseDirectory().resolve(rest) + ": '" + to + "' is taken as a host name");
    }
    return new Destination.HostName(hostPort.host(), hostPort.port(), protocol, serverName);
  }

  /**
   * Splits the server name off a TLS destination, as CoreDNS's {@code splitZone} does: {@code
   * IP%NAME[:PORT]} or {@code [IPv6%NAME][:PORT]}, a host name taking the place of the IP.
   *
   * @return the destination without the name, and the name; {@code null} when malformed
   */
  private static String[] splitServerName(String text, int percent) {
    String before = text.substring(0, percent);
    String after = text.substring(percent + 1);
    String name;
    String rest;
    if (before.startsWith("[")) {
      int close = after.indexOf(']');
      if (close < 0) {
        return null;
      }
      name = after.substring(0, close);
      rest = before + after.substring(close);
    } else {
      int colon = after.lastIndexOf(':');
      name = colon < 0 ? after : after.substring(0, colon);
      rest = before + (colon < 0 ? "" : after.substring(colon));
    }
    if (name.isEmpty() || before.isEmpty() || !isHostName(name)) {
      return null;
    }
    return new String[] {rest, name};
  }

  /**
   * A TLS server name as it is sent (SNI) and checked against the certificate: without one
   * trailing dot, as Go's crypto/tls trims it for CoreDNS; a name the JDK cannot send as an SNI
   * host name (RFC 6066 §3: letters, digits and hyphens, so no {@code _}) is an error here, not
   * when the plugin starts.
   */
  static String sniName(ConfigReader config, String written) throws ConfigException {
    String name = written.endsWith(".") ? written.substring(0, written.length() - 1) : written;
    try {
      return new SNIHostName(name).getAsciiName();
    } catch (IllegalArgumentException e) {
      throw config.error("'" + written + "' cannot be a TLS server name (SNI host name): " + e.getMessage());
    }
  }

  /**
   * Whether {@code text} is a host name: labels of letters, digits, {@code -} and {@code _} (as
   * Kubernetes Service names may carry), at most 63 bytes each and 253 in all, optionally
   * absolute; not an IP address.
   */
  static boolean isHostName(String text) {
    String name = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    if (name.isEmpty() || name.length() > 253) {
      return false;
    }
    for (String label : name.split("\\.", -1)) {
      if (label.isEmpty() || label.length() > 63) {
        return false;
      }
      for (int i = 0; i < label.length(); i++) {
        char c = label.charAt(i);
        if (!(Character.isLetterOrDigit(c) && c < 128) && c != '-' && c != '_') {
          return false;
        }
      }
    }
    try {
      Names.parseAddressLiteral(name);
      return false;
    } catch (IllegalArgumentException e) {
      return true;
    }
  }

  private static Destination resolvConf(ConfigReader config, Path file) throws ConfigException {
    try {
      List<UpstreamAddress> nameservers = Destination.ResolvConfFile.nameservers(file);
      if (nameservers.isEmpty()) {
        config.warn("no nameservers found in " + file + "; skipped until it names some");
      }
      return new Destination.ResolvConfFile(file, nameservers);
    } catch (IOException e) {
      throw config.error("cannot read " + file + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw config.error(file + ": " + e.getMessage());
    }
  }

  private static HealthCheckSettings parseHealthCheck(ConfigReader config) throws ConfigException {
    Duration interval = config.nextDuration("DURATION");
    if (interval.isNegative()) {
      throw config.error("health_check can't be negative: " + interval);
    }
    boolean recursionDesired = true;
    Name domain = Name.root;
    while (config.hasNextArg()) {
      String word = config.nextArg("no_rec or domain");
      switch (word) {
        case "no_rec" -> recursionDesired = false;
        case "domain" -> domain = zone(config, config.nextArg("FQDN"));
        default -> throw config.error("health_check: unknown option " + word);
      }
    }
    return new HealthCheckSettings(interval, recursionDesired, domain);
  }

  private static List<Integer> parseRcodes(ConfigReader config, boolean failover)
      throws ConfigException {
    if (!config.hasNextArg()) {
      throw config.error("expected at least one RCODE");
    }
    List<Integer> rcodes = new ArrayList<>();
    for (String text : config.remainingArgs()) {
      int rcode = Rcode.value(text.toUpperCase(Locale.ROOT));
      if (rcode < 0 || text.chars().allMatch(Character::isDigit)) {
        throw config.error(text + " is not a valid rcode");
      }
      if (failover && rcode == Rcode.NOERROR) {
        throw config.error("NoError cannot be used in failover");
      }
      rcodes.add(rcode);
    }
    return rcodes;
  }
}
