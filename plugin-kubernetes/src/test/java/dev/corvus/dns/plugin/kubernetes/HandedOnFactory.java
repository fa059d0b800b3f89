package dev.corvus.dns.plugin.kubernetes;

import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Placement;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Test-only directive {@code handed_on}, placed right after {@code kubernetes}: answers whatever
 * reaches it with recognisable records, so tests see what kubernetes handed on (fallthrough) and
 * what ExternalName targets resolve to through the server. Register an instance with {@code
 * Corvus.builder().plugin(new HandedOnFactory())}.
 */
final class HandedOnFactory implements PluginFactory {

  static final Name PTR_TARGET = Name.fromConstantString("handed-on.test.");
  static final String V4 = "192.0.2.1";
  static final String V6 = "2001:db8::1";

  @Override
  public String directive() {
    return "handed_on";
  }

  @Override
  public Placement placement() {
    return Placement.after("kubernetes");
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    config.expectNoMoreArgs();
    return Plugin.of(
        chain -> {
          var request = chain.request();
          try {
            return switch (request.qtype()) {
              case Type.PTR -> Responses.completed(Responses.answer(request,
                  new PTRRecord(request.qname(), DClass.IN, 60, PTR_TARGET)));
              case Type.A -> Responses.completed(Responses.answer(request,
                  new ARecord(request.qname(), DClass.IN, 60, InetAddress.getByName(V4))));
              case Type.AAAA -> Responses.completed(Responses.answer(request,
                  new AAAARecord(request.qname(), DClass.IN, 60, InetAddress.getByName(V6))));
              default -> Responses.completedError(request, Rcode.NXDOMAIN);
            };
          } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
          }
        });
  }
}
