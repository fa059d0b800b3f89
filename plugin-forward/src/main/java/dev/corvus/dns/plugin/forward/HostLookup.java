package dev.corvus.dns.plugin.forward;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * How a host-name {@code TO} is turned into addresses, as CoreDNS does it: the system's resolver,
 * or the {@code resolver} option's DNS servers asked for A and AAAA. A lookup blocks; it runs on
 * the plugin's resolution thread ({@link HostResolution}), or in {@code corvus doctor}.
 */
interface HostLookup {

  /**
   * The addresses of {@code host} and how long they may be used before it is looked up again.
   *
   * @throws IOException when it does not resolve (an {@link UnknownHostException}) or the
   *     resolvers cannot be reached
   */
  Resolved lookup(String host) throws IOException;

  /** What the lookups ask: {@code system} or the resolvers' addresses. */
  String describe();

  /**
   * A successful lookup.
   *
   * @param addresses the addresses, in the order they came
   * @param ttl how long they are good for: the smallest TTL of the records they came from, or the
   *     refresh interval of a resolver that does not tell
   */
  record Resolved(List<InetAddress> addresses, Duration ttl) {
    public Resolved {
      addresses = List.copyOf(addresses);
      Objects.requireNonNull(ttl, "ttl");
    }
  }

  /** The lookup for a {@code forward}: its {@code resolver} servers, or the system's resolver. */
  static HostLookup of(List<InetSocketAddress> resolvers) {
    return resolvers.isEmpty() ? new SystemResolver() : new Resolvers(resolvers, new BlockingProbe(), Resolvers.TIMEOUT);
  }

  /**
   * The system's resolver ({@link InetAddress#getAllByName}: {@code /etc/hosts}, then DNS with the
   * search list of {@code /etc/resolv.conf}, as Go's {@code net.LookupHost} resolves for CoreDNS).
   * It does not tell the records' TTL: the name is looked up again every {@link #REFRESH}, the
   * JVM's own positive cache time.
   */
  final class SystemResolver implements HostLookup {

    /** How long a system lookup is used; the JVM caches successful lookups this long by default. */
    static final Duration REFRESH = Duration.ofSeconds(30);

    @Override
    public Resolved lookup(String host) throws IOException {
      return new Resolved(List.of(InetAddress.getAllByName(host)), REFRESH);
    }

    @Override
    public String describe() {
      return "system";
    }
  }

  /**
   * The {@code resolver} servers, tried in order as CoreDNS does: each is asked for A, then AAAA
   * (RD set, over UDP, again over TCP when truncated); the first that gives any address wins; an
   * A answer is enough when AAAA then fails. The name is absolute ({@code dns.Fqdn}).
   */
  final class Resolvers implements HostLookup {

    /** CoreDNS's read timeout for these lookups. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final List<InetSocketAddress> resolvers;
    private final BlockingProbe probe;
    private final Duration timeout;

    Resolvers(List<InetSocketAddress> resolvers, BlockingProbe probe, Duration timeout) {
      this.resolvers = List.copyOf(resolvers);
      this.probe = probe;
      this.timeout = timeout;
    }

    @Override
    public Resolved lookup(String host) throws IOException {
      Name name;
      try {
        name = Name.fromString(host.endsWith(".") ? host : host + ".");
      } catch (TextParseException e) {
        throw new UnknownHostException(host + ": not a domain name");
      }
      IOException last = null;
      for (InetSocketAddress resolver : resolvers) {
        List<InetAddress> addresses = new ArrayList<>();
        long[] ttl = {Long.MAX_VALUE};
        String why;
        try {
          why = collect(ask(resolver, name, Type.A), addresses, ttl);
        } catch (IOException e) {
          last = e;
          continue;
        }
        try {
          String aaaa = collect(ask(resolver, name, Type.AAAA), addresses, ttl);
          why = addresses.isEmpty() ? aaaa : why;
        } catch (IOException e) {
          if (addresses.isEmpty()) {
            last = e;
            continue;
          }
        }
        if (!addresses.isEmpty()) {
          return new Resolved(addresses, Duration.ofSeconds(ttl[0]));
        }
        last = new UnknownHostException(host + ": " + why + " from " + label(resolver));
      }
      throw last != null ? last : new UnknownHostException(host + ": no resolver");
    }

    @Override
    public String describe() {
      return String.join(" ", resolvers.stream().map(Resolvers::label).toList());
    }

    private Message ask(InetSocketAddress resolver, Name name, int type) throws IOException {
      Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
      query.getHeader().setFlag(Flags.RD);
      Message answer = probe.udp(resolver, query, timeout);
      if (answer.getHeader().getFlag(Flags.TC)) {
        answer = probe.tcp(resolver, query, timeout);
      }
      return answer;
    }

    /**
     * Adds the answer's addresses, lowering {@code ttl} to the smallest TTL of the records that
     * lead to them (CNAMEs included).
     *
     * @return why there are none, when there are none: the rcode, or "no A records"
     */
    private static String collect(Message answer, List<InetAddress> addresses, long[] ttl) {
      int before = addresses.size();
      for (Record record : answer.getSection(Section.ANSWER)) {
        if (record instanceof ARecord a) {
          addresses.add(a.getAddress());
        } else if (record instanceof AAAARecord aaaa) {
          addresses.add(aaaa.getAddress());
        } else if (record.getType() != Type.CNAME) {
          continue;
        }
        ttl[0] = Math.min(ttl[0], record.getTTL());
      }
      if (addresses.size() > before) {
        return null;
      }
      int rcode = answer.getRcode();
      return rcode == Rcode.NOERROR ? "no address records" : Rcode.string(rcode);
    }

    private static String label(InetSocketAddress resolver) {
      return new UpstreamAddress(resolver, false).label();
    }
  }
}
