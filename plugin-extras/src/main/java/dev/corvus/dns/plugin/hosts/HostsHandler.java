package dev.corvus.dns.plugin.hosts;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Answers A, AAAA and PTR from the hosts file and the inline entries, with CoreDNS's semantics:
 * an unknown name is SERVFAIL (there is no SOA for an NXDOMAIN) unless it falls through, a known
 * name without records of the asked type is an authoritative NODATA.
 */
final class HostsHandler implements Handler {

  private static final Name IN_ADDR_ARPA = Names.zone("in-addr.arpa.");
  private static final Name IP6_ARPA = Names.zone("ip6.arpa.");

  private final HostsConfig config;
  private final HostsFile file;

  HostsHandler(HostsConfig config, HostsFile file) {
    this.config = config;
    this.file = file;
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    Name qname = request.qname();
    // CoreDNS answers with the lower-cased query name as owner
    Name owner = qname.canonicalize();
    int qtype = request.qtype();
    boolean inZones = Names.inAny(qname, config.zones());
    // PTR names need not be in the plugin's zones (CoreDNS)
    if (!inZones && qtype != Type.PTR) {
      return chain.proceed(request);
    }
    List<Record> answers = new ArrayList<>(2);
    switch (qtype) {
      case Type.PTR -> {
        List<Name> names = reverseNames(qname);
        if (names.isEmpty()) {
          return chain.proceed(request);
        }
        for (Name target : names) {
          answers.add(new PTRRecord(owner, DClass.IN, config.ttl(), target));
        }
      }
      case Type.A -> {
        for (InetAddress a : addresses(qname, true)) {
          answers.add(new ARecord(owner, DClass.IN, config.ttl(), a));
        }
      }
      case Type.AAAA -> {
        for (InetAddress a : addresses(qname, false)) {
          answers.add(new AAAARecord(owner, DClass.IN, config.ttl(), a));
        }
      }
      default -> {
        if (config.fallthroughUnsupported() && config.fallthrough().covers(qname)) {
          return chain.proceed(request);
        }
      }
    }
    if (answers.isEmpty() && !nameExists(qname)) {
      if (config.fallthrough().covers(qname)) {
        return chain.proceed(request);
      }
      // CoreDNS: without a SOA to put in an NXDOMAIN, hosts answers SERVFAIL
      return Responses.completedError(request, Rcode.SERVFAIL);
    }
    return Responses.completed(Responses.answer(request, answers.toArray(Record[]::new)));
  }

  private List<InetAddress> addresses(Name name, boolean v4) {
    List<InetAddress> fromFile = file.table().addresses(name, v4);
    List<InetAddress> inline = config.inline().addresses(name, v4);
    if (inline.isEmpty()) {
      return fromFile;
    }
    List<InetAddress> all = new ArrayList<>(fromFile);
    all.addAll(inline);
    return all;
  }

  private List<Name> reverseNames(Name qname) {
    if (!qname.subdomain(IN_ADDR_ARPA) && !qname.subdomain(IP6_ARPA)) {
      return List.of();
    }
    List<Name> all = new ArrayList<>(file.table().names(qname));
    all.addAll(config.inline().names(qname));
    return all;
  }

  private boolean nameExists(Name name) {
    return !addresses(name, true).isEmpty() || !addresses(name, false).isEmpty();
  }
}
