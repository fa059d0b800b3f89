package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.api.Ticker;
import dev.corvus.dns.api.plugin.SelfCheck.Finding;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * What {@code corvus doctor} checks for one {@code forward}: that every resolv.conf it reads
 * exists, names nameservers and names no loopback stub resolver (a forwarding loop, as CoreDNS's
 * {@code loop} plugin detects at run time), that every host name resolves, and that every
 * upstream answers the health-check query over UDP and TCP, over TLS for {@code tls://}
 * upstreams, or over HTTPS for {@code https://} ones, from {@code source_address} when one is set
 * (but for HTTPS).
 */
final class ForwardSelfCheck {

  private static final String UNREACHABLE_ADVICE =
      "check the address, firewall, or that a DNS server listens there";

  private final ForwardConfig config;
  private final Ticker ticker;
  private final BlockingProbe probe;
  private final HostLookup lookup;
  private SSLContext tls;

  ForwardSelfCheck(ForwardConfig config, Ticker ticker) {
    this.config = config;
    this.ticker = ticker;
    this.probe = new BlockingProbe(config.sourceAddress());
    this.lookup = HostLookup.of(config.resolvers());
  }

  List<Finding> check(Duration timeout) {
    List<Finding> findings = new ArrayList<>();
    List<UpstreamAddress> upstreams = new ArrayList<>();
    for (Destination destination : config.destinations()) {
      List<UpstreamAddress> named;
      if (destination instanceof Destination.ResolvConfFile file) {
        named = checkResolvConf(file, findings);
      } else if (destination instanceof Destination.HostName host) {
        named = checkHostName(host, findings);
      } else {
        named = destination.upstreams();
      }
      for (UpstreamAddress upstream : named) {
        if (!upstreams.contains(upstream)) {
          upstreams.add(upstream);
        }
      }
    }
    Message query = healthCheckQuery();
    for (UpstreamAddress upstream : upstreams) {
      if (upstream.tls()) {
        findings.add(probe(upstream, UpstreamProtocol.TLS, query, timeout));
      } else if (upstream.https()) {
        findings.add(probe(upstream, UpstreamProtocol.HTTPS, query, timeout));
      } else {
        findings.add(probe(upstream, UpstreamProtocol.UDP, query, timeout));
        findings.add(probe(upstream, UpstreamProtocol.TCP, query, timeout));
      }
    }
    return findings;
  }

  /**
   * Reads {@code file} again and reports on it.
   *
   * @return the nameservers to probe: those read now, or those read with the configuration when
   *     the file cannot be read any more
   */
  private List<UpstreamAddress> checkResolvConf(Destination.ResolvConfFile file, List<Finding> findings) {
    Path path = file.file();
    String subject = "resolv.conf " + path;
    List<UpstreamAddress> nameservers;
    try {
      nameservers = Destination.ResolvConfFile.nameservers(path);
    } catch (IOException | IllegalArgumentException e) {
      findings.add(
          Finding.problem(
              subject,
              (e instanceof NoSuchFileException ? "does not exist" : "cannot be read (" + e.getMessage() + ")")
                  + ": forward has no upstreams from it; create it or name the upstreams explicitly"));
      return file.nameservers();
    }
    if (nameservers.isEmpty()) {
      findings.add(
          Finding.problem(
              subject, "names no nameserver: forward has no upstreams from it; add nameserver lines or name the upstreams explicitly"));
      return nameservers;
    }
    List<UpstreamAddress> loopback =
        nameservers.stream().filter(n -> n.address().getAddress().isLoopbackAddress()).toList();
    if (!loopback.isEmpty()) {
      // A stub resolver on loopback (systemd-resolved's 127.0.0.53) is usually this host's own
      // DNS, often this server itself: CoreDNS's loop plugin and the kubeadm troubleshooting
      // guide describe the resulting forwarding loop.
      String addresses =
          loopback.stream().map(n -> n.address().getAddress().getHostAddress()).collect(Collectors.joining(", "));
      findings.add(
          Finding.problem(
              subject,
              "forwarding loop: "
                  + path
                  + " names loopback stub resolver "
                  + addresses
                  + "; point forward at the node's real upstreams (e.g. /run/systemd/resolve/resolv.conf)"
                  + " or at explicit addresses"));
    } else {
      findings.add(
          Finding.ok(
              subject,
              "names " + nameservers.stream().map(UpstreamAddress::label).collect(Collectors.joining(", "))));
    }
    return nameservers;
  }

  /** Looks {@code host} up as the running plugin would, and reports whether it resolves. */
  private List<UpstreamAddress> checkHostName(Destination.HostName host, List<Finding> findings) {
    String subject = "host " + host.label();
    try {
      HostLookup.Resolved resolved = lookup.lookup(host.host());
      findings.add(Finding.ok(subject, "resolves to "
          + resolved.addresses().stream().map(InetAddress::getHostAddress).collect(Collectors.joining(", "))
          + " (resolver: " + lookup.describe() + ")"));
      return resolved.addresses().stream().map(host::at).toList();
    } catch (IOException e) {
      findings.add(Finding.problem(subject, "does not resolve (" + e.getMessage() + ", resolver: "
          + lookup.describe() + "): forward has no upstream from it until it does; check the name and the resolver"));
      return List.of();
    }
  }

  /** The health check's question ({@code DOMAIN IN NS}, RD unless {@code no_rec}). */
  private Message healthCheckQuery() {
    Message query = Message.newQuery(Record.newRecord(config.healthCheck().domain(), Type.NS, DClass.IN));
    if (config.healthCheck().recursionDesired()) {
      query.getHeader().setFlag(Flags.RD);
    } else {
      query.getHeader().unsetFlag(Flags.RD);
    }
    return query;
  }

  private Finding probe(UpstreamAddress upstream, UpstreamProtocol protocol, Message query, Duration timeout) {
    String over = protocol.name();
    String subject = "upstream " + upstream.label() + " over " + over;
    long start = ticker.read();
    Message answer;
    try {
      answer =
          switch (protocol) {
            case UDP -> probe.udp(upstream.address(), query, timeout);
            case TCP -> probe.tcp(upstream.address(), query, timeout);
            case TLS -> probe.tls(upstream.address(), query, timeout, tlsContext(),
                config.serverNameFor(upstream).orElse(null));
            case HTTPS -> probe.https(upstream, query, timeout, config.tlsFiles(),
                config.serverNameFor(upstream), config.dohMethod());
          };
    } catch (SocketTimeoutException | HttpTimeoutException e) {
      return Finding.problem(subject, "no answer over " + over + " within " + describe(timeout) + ": " + UNREACHABLE_ADVICE);
    } catch (PortUnreachableException e) {
      return Finding.problem(subject, "port unreachable over " + over + " (ICMP): " + UNREACHABLE_ADVICE);
    } catch (ConnectException e) {
      return Finding.problem(subject, "connection refused over " + over + ": " + UNREACHABLE_ADVICE);
    } catch (BlockingProbe.TlsFilesUnloadable e) {
      return Finding.problem(subject, e.getMessage() + ": fix the files of the tls option (no query was sent)");
    } catch (SSLException e) {
      return Finding.problem(
          subject,
          "TLS handshake failed ("
              + e.getMessage()
              + "): check the tls CA, tls_servername, and that the upstream speaks DNS over "
              + (protocol == UpstreamProtocol.HTTPS ? "HTTPS" : "TLS"));
    } catch (IOException e) {
      return Finding.problem(subject, e + " over " + over + ": " + UNREACHABLE_ADVICE);
    }
    String took = ExplainNotes.millis(ticker.read() - start);
    int rcode = answer.getRcode();
    if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
      return Finding.ok(subject, "answered " + Rcode.string(rcode) + " in " + took);
    }
    // Any answer passes CoreDNS's health check, but REFUSED or SERVFAIL to the probe usually
    // means the upstream will not resolve for this host.
    return Finding.warning(
        subject,
        "answered "
            + Rcode.string(rcode)
            + " in "
            + took
            + ": reachable, but it may not resolve for this host (check its recursion ACL)");
  }

  /**
   * The JDK context of the blocking TLS probes, from the same files the forwarding path uses: the
   * server's {@link dev.corvus.dns.api.io.TlsClient} is for its loops only, and {@code corvus
   * doctor} has none.
   */
  private SSLContext tlsContext() throws BlockingProbe.TlsFilesUnloadable {
    if (tls == null) {
      try {
        tls = ProbeTls.context(config.tlsFiles());
      } catch (IOException | GeneralSecurityException e) {
        throw new BlockingProbe.TlsFilesUnloadable(e);
      }
    }
    return tls;
  }

  /** {@code 2 s} or {@code 300 ms}. */
  static String describe(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }
}
