package dev.corvus.dns.plugin.autopath;

import dev.corvus.dns.server.client.DnsClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * A client-side resolver as glibc's behaves with {@code search} and {@code options ndots:N}: a
 * name with fewer than N dots is tried with each search domain first, then as given; each try
 * sends an A and an AAAA query; the first try whose A answer is not NXDOMAIN ends the walk.
 */
final class StubResolver {

  /** What one lookup cost and found. */
  record Lookup(int queriesSent, Message answer) {}

  private final DnsClient client;
  private final List<String> search;
  private final int ndots;

  StubResolver(DnsClient client, List<String> search, int ndots) {
    this.client = client;
    this.search = List.copyOf(search);
    this.ndots = ndots;
  }

  Lookup resolve(String name) throws IOException {
    List<String> tries = new ArrayList<>();
    long dots = name.chars().filter(c -> c == '.').count();
    if (dots >= ndots) {
      tries.add(name + ".");
    }
    for (String domain : search) {
      tries.add(name + "." + domain + ".");
    }
    if (dots < ndots) {
      tries.add(name + ".");
    }
    int sent = 0;
    Message last = null;
    for (String candidate : tries) {
      last = client.udp(candidate, Type.A);
      client.udp(candidate, Type.AAAA);
      sent += 2;
      if (last.getRcode() != Rcode.NXDOMAIN) {
        break;
      }
    }
    return new Lookup(sent, last);
  }
}
