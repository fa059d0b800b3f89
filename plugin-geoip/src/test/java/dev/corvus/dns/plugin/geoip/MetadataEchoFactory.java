package dev.corvus.dns.plugin.geoip;

import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Placement;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;

/**
 * Test-only directive {@code metadata_echo LABEL...}: answers every query with one TXT record
 * per label, {@code LABEL=VALUE} for a published label and {@code LABEL} alone for one without a
 * value, as a {@code log} or {@code view} reading metadata sees them.
 */
final class MetadataEchoFactory implements PluginFactory {

  @Override
  public String directive() {
    return "metadata_echo";
  }

  @Override
  public Placement placement() {
    // late in the chain: after metadata, which collects the labels, and log, which prints them
    return Placement.before("whoami");
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    var labels = config.remainingArgs();
    return Plugin.of(chain -> {
      Request request = chain.request();
      Message answer = Responses.answer(request);
      for (String label : labels) {
        String text = request.context().metadata(label).map(value -> label + "=" + value).orElse(label);
        answer.addRecord(new TXTRecord(request.qname(), DClass.IN, 0, text), Section.ANSWER);
      }
      return Responses.completed(answer);
    });
  }
}
