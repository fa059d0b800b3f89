package dev.corvus.dns.plugin.rewrite;

import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Placement;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.TXTRecord;

/**
 * Test-only directive {@code option_echo}: answers with one TXT record holding the EDNS0 local
 * options (codes 0xff00 and above) of the query it was given, each as {@code code:hex-data}, so
 * that what rewrite put into the query is seen by the client.
 */
final class OptionEchoFactory implements PluginFactory {

  @Override
  public String directive() {
    return "option_echo";
  }

  @Override
  public Placement placement() {
    return Placement.after("whoami");
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    config.expectNoMoreArgs();
    return Plugin.of(chain -> {
      var request = chain.request();
      List<String> seen = new ArrayList<>();
      OPTRecord opt = request.message().getOPT();
      if (opt != null) {
        for (EDNSOption option : opt.getOptions()) {
          if (option.getCode() >= 0xff00) {
            byte[] wire = option.toWire(); // code, length, data
            seen.add(Integer.toHexString(option.getCode()) + ":" + HexFormat.of().formatHex(wire, 4, wire.length));
          }
        }
      }
      return Responses.completed(Responses.answer(request,
          new TXTRecord(request.qname(), DClass.IN, 30, String.join(" ", seen))));
    });
  }
}
