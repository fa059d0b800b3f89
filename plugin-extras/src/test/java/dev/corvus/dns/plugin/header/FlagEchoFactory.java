package dev.corvus.dns.plugin.header;

import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Placement;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.TXTRecord;

/**
 * Test-only directive {@code flag_echo}: answers with one TXT record naming the header flags
 * (aa, ra, rd) of the query it was given, and with no flag of its own besides QR and RD as asked.
 */
final class FlagEchoFactory implements PluginFactory {

  @Override
  public String directive() {
    return "flag_echo";
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
      Header header = request.message().getHeader();
      List<String> set = new ArrayList<>();
      for (String flag : List.of("aa", "ra", "rd")) {
        if (header.getFlag(Flags.value(flag))) {
          set.add(flag);
        }
      }
      var response = Responses.answer(request,
          new TXTRecord(request.qname(), DClass.IN, 30, "query flags: " + String.join(" ", set)));
      response.getHeader().unsetFlag(Flags.AA);
      response.getHeader().unsetFlag(Flags.RA);
      return Responses.completed(response);
    });
  }
}
