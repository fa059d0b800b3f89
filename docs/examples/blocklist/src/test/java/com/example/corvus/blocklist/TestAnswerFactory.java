package com.example.corvus.blocklist;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Placement;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.net.InetAddress;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Type;

/**
 * A test-only directive that stands for "the rest of the chain": {@code testanswer ADDRESS}
 * answers every A query with ADDRESS. It lives in src/test, so it is registered only on the test
 * class path and never ships in the plugin jar.
 */
@AutoService(PluginFactory.class)
public final class TestAnswerFactory implements PluginFactory {

  @Override
  public String directive() {
    return "testanswer";
  }

  @Override
  public Placement placement() {
    return Placement.after("blocklist");
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    InetAddress address = config.nextAddress("ADDRESS", 0).getAddress();
    config.expectNoMoreArgs();
    return Plugin.of(chain -> Responses.completed(chain.request().qtype() == Type.A
        ? Responses.answer(chain.request(), new ARecord(chain.request().qname(), DClass.IN, 30, address))
        : Responses.answer(chain.request())));
  }
}
