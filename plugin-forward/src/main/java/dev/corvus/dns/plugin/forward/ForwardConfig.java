package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.api.config.TlsFiles;
import dev.corvus.dns.api.io.TlsClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.xbill.DNS.Name;

/**
 * One {@code forward} directive, parsed and validated. Defaults are CoreDNS's.
 *
 * @param from the zone whose names are forwarded; others go to the next plugin
 * @param destinations the {@code TO} arguments in configured order
 * @param except names (and their subdomains) passed to the next plugin instead
 * @param forceTcp query upstreams over TCP even for UDP clients
 * @param preferUdp query upstreams over UDP even for TCP clients
 * @param expire how long an idle pooled TCP/TLS connection is kept
 * @param maxFails failed health checks after which an upstream is down; 0 never marks it down
 * @param tlsFiles the {@code tls} option's files: client certificate and key, CA
 * @param tlsServerName the {@code tls_servername}: sent as SNI and verified in the upstream's
 *     certificate; when empty the certificate must name the upstream's IP address
 * @param tlsClient the TLS settings the server checked while the Corefile was read, present
 *     exactly when a {@code tls://} upstream has no server name of its own
 * @param namedTlsClients the same settings per server name written with an upstream ({@code
 *     tls://1.1.1.1%one.one.one.one}), verifying the certificate against that name
 * @param policy how upstreams are ordered per query
 * @param healthCheck how failed upstreams are probed
 * @param maxConcurrent queries in flight beyond which REFUSED is answered; 0 means no limit
 * @param nextRcodes upstream rcodes that hand the query to the next plugin
 * @param failfastAllUnhealthy answer SERVFAIL at once when every upstream is down
 * @param failoverRcodes upstream rcodes after which the next upstream is tried
 * @param maxConnectAttempts the most attempts per query; 0 means twice the number of upstreams
 * @param readTimeout the longest time one attempt waits for an answer; the adaptive timeout
 *     never exceeds it
 * @param maxIdleConns the most idle TCP/TLS connections kept per upstream; 0 means no limit
 * @param maxAge how long a connection (or UDP socket) takes new queries, however busy it is;
 *     {@link Duration#ZERO} means no limit beyond the sockets' own rotation
 * @param nextOnNodata a NOERROR answer without answer records (NODATA) hands the query to the
 *     next plugin
 * @param sourceAddress the address queries and health checks are sent from; empty for the one
 *     the kernel picks
 * @param resolvers the DNS servers host-name destinations are resolved with; empty for the
 *     system's resolver
 * @param dohMethod the HTTP method of queries to {@code https://} upstreams
 */
record ForwardConfig(
    Name from,
    List<Destination> destinations,
    List<Name> except,
    boolean forceTcp,
    boolean preferUdp,
    Duration expire,
    int maxFails,
    TlsFiles tlsFiles,
    Optional<String> tlsServerName,
    Optional<TlsClient> tlsClient,
    Policy policy,
    HealthCheckSettings healthCheck,
    int maxConcurrent,
    Set<Integer> nextRcodes,
    boolean failfastAllUnhealthy,
    Set<Integer> failoverRcodes,
    int maxConnectAttempts,
    Duration readTimeout,
    Map<String, TlsClient> namedTlsClients,
    int maxIdleConns,
    Duration maxAge,
    boolean nextOnNodata,
    Optional<InetAddress> sourceAddress,
    List<InetSocketAddress> resolvers,
    DohMethod dohMethod) {

  /** CoreDNS's limit on the number of upstreams. */
  static final int MAX_UPSTREAMS = 15;
  /** CoreDNS's {@code expire} default. */
  static final Duration DEFAULT_EXPIRE = Duration.ofSeconds(10);
  /** CoreDNS's {@code max_fails} default. */
  static final int DEFAULT_MAX_FAILS = 2;
  /** CoreDNS's per-upstream read timeout. */
  static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(2);
  /** CoreDNS's total time budget of one query across all attempts. */
  static final Duration QUERY_BUDGET = Duration.ofSeconds(5);

  ForwardConfig {
    Objects.requireNonNull(from, "from");
    destinations = List.copyOf(destinations);
    except = List.copyOf(except);
    Objects.requireNonNull(expire, "expire");
    Objects.requireNonNull(tlsFiles, "tlsFiles");
    Objects.requireNonNull(tlsServerName, "tlsServerName");
    Objects.requireNonNull(tlsClient, "tlsClient");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(healthCheck, "healthCheck");
    nextRcodes = Set.copyOf(nextRcodes);
    failoverRcodes = Set.copyOf(failoverRcodes);
    Objects.requireNonNull(readTimeout, "readTimeout");
    namedTlsClients = Map.copyOf(namedTlsClients);
    Objects.requireNonNull(maxAge, "maxAge");
    Objects.requireNonNull(sourceAddress, "sourceAddress");
    resolvers = List.copyOf(resolvers);
    Objects.requireNonNull(dohMethod, "dohMethod");
    if (destinations.isEmpty()) {
      throw new IllegalArgumentException("at least one destination is needed");
    }
  }

  /**
   * The TLS settings queries to {@code upstream} use: those of its own server name, else the
   * directive's; empty for plain DNS.
   */
  Optional<TlsClient> tlsClientFor(UpstreamAddress upstream) {
    if (!upstream.tls()) {
      return Optional.empty();
    }
    return upstream.serverName().isPresent()
        ? Optional.ofNullable(namedTlsClients.get(upstream.serverName().get()))
        : tlsClient;
  }

  /**
   * The name {@code upstream}'s certificate is verified against and sent as SNI; empty to verify
   * its IP address. A {@code tls://} upstream's own {@code %NAME}, else {@code tls_servername}
   * (the two cannot be combined for it); an {@code https://} upstream's {@code tls_servername}, else
   * its own {@code %NAME}: CoreDNS ignores {@code %NAME} for {@code https://} and uses {@code
   * tls_servername}, so when both are set that one wins (the factory warns).
   */
  Optional<String> serverNameFor(UpstreamAddress upstream) {
    return upstream.https() ? tlsServerName.or(upstream::serverName) : upstream.serverName().or(this::tlsServerName);
  }

  /** Whether any destination is a host name, resolved while the plugin runs. */
  boolean hasHostNames() {
    return destinations.stream().anyMatch(d -> d instanceof Destination.HostName);
  }

  /** The upstreams the destinations name as configured (host names add none), without duplicates, first one wins. */
  List<UpstreamAddress> upstreams() {
    return distinctUpstreams(destinations);
  }

  static List<UpstreamAddress> distinctUpstreams(List<Destination> destinations) {
    List<UpstreamAddress> all = new ArrayList<>();
    for (Destination destination : destinations) {
      for (UpstreamAddress upstream : destination.upstreams()) {
        if (!all.contains(upstream)) {
          all.add(upstream);
        }
      }
    }
    return List.copyOf(all);
  }
}
