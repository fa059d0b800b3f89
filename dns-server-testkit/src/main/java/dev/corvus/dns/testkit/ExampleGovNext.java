package dev.corvus.dns.testkit;

import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Placement;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;

/**
 * The next plugin of CoreDNS's tests of its cloud DNS plugins (route53, clouddns, azure), directive
 * {@code gov_answer}: answers every name in {@code example.gov.} with {@code A 2.4.6.8} and SERVFAIL
 * for anything else, so a test sees whether the plugin before it fell through.
 */
public final class ExampleGovNext implements PluginFactory {

  private static final Name EXAMPLE_GOV = Name.fromConstantString("example.gov.");

  private final String after;

  /** @param after the directive this one runs after */
  public ExampleGovNext(String after) {
    this.after = after;
  }

  @Override
  public String directive() {
    return "gov_answer";
  }

  @Override
  public Placement placement() {
    return Placement.after(after);
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    InetAddress address;
    try {
      address = InetAddress.getByAddress(new byte[] {2, 4, 6, 8});
    } catch (UnknownHostException e) {
      throw config.error(e.getMessage());
    }
    return new Plugin() {
      @Override
      public Optional<Handler> handler() {
        return Optional.of(chain -> {
          Name qname = chain.request().qname();
          return qname.subdomain(EXAMPLE_GOV)
              ? Responses.completed(Responses.answer(chain.request(), new ARecord(qname, DClass.IN, 300, address)))
              : Responses.completedError(chain.request(), Rcode.SERVFAIL);
        });
      }
    };
  }
}
