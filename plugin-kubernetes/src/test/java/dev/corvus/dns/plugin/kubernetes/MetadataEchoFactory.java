package dev.corvus.dns.plugin.kubernetes;

import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Placement;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.TXTRecord;

/**
 * Test-only directive {@code metadata_echo}, placed before {@code kubernetes}: answers every query
 * with one TXT record per label it was made with, {@code LABEL=VALUE} for a published label and
 * {@code LABEL} alone for one without a value, as a {@code log} or {@code view} reading metadata
 * would see them. Register an instance with {@code Corvus.builder().plugin(...)}.
 */
final class MetadataEchoFactory implements PluginFactory {

  private final List<String> labels;

  MetadataEchoFactory(List<String> labels) {
    this.labels = List.copyOf(labels);
  }

  @Override
  public String directive() {
    return "metadata_echo";
  }

  @Override
  public Placement placement() {
    return Placement.before("kubernetes");
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    config.expectNoMoreArgs();
    return Plugin.of(chain -> {
      Request request = chain.request();
      Message answer = Responses.answer(request);
      for (String label : labels) {
        String text = request.context().metadata(label).map(value -> label + "=" + value).orElse(label);
        answer.addRecord(new TXTRecord(request.qname(), DClass.IN, 0, text), org.xbill.DNS.Section.ANSWER);
      }
      return Responses.completed(answer);
    });
  }
}
