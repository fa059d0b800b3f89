package dev.corvus.dns.plugin.grpc;

import dev.corvus.dns.api.Fallthrough;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.Name;

/**
 * One {@code grpc} directive, parsed and checked.
 *
 * @param from the zone whose names are forwarded
 * @param upstreams where to, in configured order (at most {@link #MAX_UPSTREAMS})
 * @param except names under FROM that are passed on instead
 * @param tls the TLS client context when {@code tls} or {@code tls_servername} is given; plain
 *     HTTP/2 otherwise, as CoreDNS
 * @param serverName {@code tls_servername}: the name the upstreams' certificates must carry (and
 *     SNI); without it, the upstream's address is checked against the certificate
 * @param policy the order in which upstreams are tried
 * @param fallthrough where an NXDOMAIN answer, or no answer at all, passes the query on
 */
record GrpcConfig(Name from, List<UpstreamAddress> upstreams, List<Name> except, Optional<SslContext> tls,
    Optional<String> serverName, Policy policy, Fallthrough fallthrough) {

  /** CoreDNS's limit on TO addresses. */
  static final int MAX_UPSTREAMS = 15;

  /** CoreDNS's {@code defaultTimeout}: how long one query may take, over all upstreams tried. */
  static final Duration QUERY_TIMEOUT = Duration.ofSeconds(5);

  GrpcConfig {
    upstreams = List.copyOf(upstreams);
    except = List.copyOf(except);
  }
}
