package dev.corvus.dns.plugin.testing;

import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Placement;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;

/**
 * Test-only directive {@code test_answer A ADDRESS... | TXT TEXT...}: answers every query with
 * those records under the query name. Sits at the end of the chain, after {@code whoami}. Not
 * registered with ServiceLoader: a test that uses it passes it to {@code
 * Corvus.builder().plugin(new TestAnswerFactory())}.
 */
public final class TestAnswerFactory implements PluginFactory {

  @Override
  public String directive() {
    return "test_answer";
  }

  @Override
  public Placement placement() {
    return Placement.after("whoami");
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    String type = config.nextArg("A or TXT");
    List<String> values = config.remainingArgs();
    if (!type.equals("A") && !type.equals("TXT")) {
      throw config.error("expected A or TXT");
    }
    return Plugin.of(chain -> {
      var request = chain.request();
      List<Record> records = new ArrayList<>();
      for (String value : values) {
        records.add(type.equals("A")
            ? new ARecord(request.qname(), DClass.IN, 30, Names.parseAddressLiteral(value))
            : new TXTRecord(request.qname(), DClass.IN, 30, value));
      }
      return Responses.completed(Responses.answer(request, records.toArray(Record[]::new)));
    });
  }
}
