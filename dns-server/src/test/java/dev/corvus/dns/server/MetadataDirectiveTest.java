package dev.corvus.dns.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.metadata.MetadataProvider;
import dev.corvus.dns.api.plugin.Placement;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import dev.corvus.dns.api.plugin.ViewFilter;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.server.client.DnsClient;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** The {@code metadata} directive collects what a block's plugins publish, for handlers to read. */
class MetadataDirectiveTest {

  /** {@code publisher}: publishes {@code test/client} lazily and counts evaluations; passes queries on. */
  private static final class Publisher implements PluginFactory {
    final AtomicInteger evaluations = new AtomicInteger();

    @Override
    public String directive() {
      return "publisher";
    }

    @Override
    public Placement placement() {
      return Placement.before("records");
    }

    @Override
    public Plugin create(ConfigReader config, PluginContext context) {
      return new Plugin() {
        @Override
        public Optional<Handler> handler() {
          return Optional.of(chain -> chain.proceed(chain.request()));
        }

        @Override
        public Optional<MetadataProvider> metadata() {
          return Optional.of((request, sink) -> sink.put("test/client", () -> {
            evaluations.incrementAndGet();
            return request.client().getAddress().getHostAddress();
          }));
        }
      };
    }
  }

  /** {@code reader LABEL}: answers a TXT record holding the label's value, or "none". */
  private static final class Reader implements PluginFactory {
    @Override
    public String directive() {
      return "reader";
    }

    @Override
    public Placement placement() {
      return Placement.after("publisher");
    }

    @Override
    public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
      String label = config.nextArg("LABEL");
      return Plugin.of(chain -> {
        String value = chain.request().context().metadata(label).orElse("none");
        String twice = chain.request().context().metadata(label).orElse("none");
        return Responses.completed(Responses.answer(chain.request(),
            new TXTRecord(chain.request().qname(), DClass.IN, 0, value + "/" + twice)));
      });
    }
  }

  private static String txt(Corvus server, String name) throws Exception {
    Message answer = new DnsClient(server.udpAddress()).udp(name, Type.TXT);
    return ((TXTRecord) answer.getSection(Section.ANSWER).get(0)).getStrings().get(0);
  }

  @Test
  void handlersReadWhatProvidersPublishedEvaluatedOnce() throws Exception {
    Publisher publisher = new Publisher();
    try (Corvus server = Corvus.builder().plugin(publisher).plugin(new Reader())
        .corefile("example.:0 {\n metadata\n publisher\n reader test/client\n}\n").dnsPort(0).start()) {
      assertEquals("127.0.0.1/127.0.0.1", txt(server, "a.example."));
      assertEquals(1, publisher.evaluations.get(), "a label's value is computed once per query, when read");
    }
  }

  @Test
  void withoutTheDirectiveOrOutsideItsZonesNothingIsPublished() throws Exception {
    Publisher publisher = new Publisher();
    try (Corvus server = Corvus.builder().plugin(publisher).plugin(new Reader())
        .corefile("example.:0 {\n publisher\n reader test/client\n}\n"
            + "other.:0 {\n metadata inner.other.\n publisher\n reader test/client\n}\n").dnsPort(0).start()) {
      assertEquals("none/none", txt(server, "a.example."));
      assertEquals("none/none", txt(server, "a.other."));
      assertEquals("127.0.0.1/127.0.0.1", txt(server, "a.inner.other."));
    }
  }
  /** {@code only_for LABEL VALUE}: a third party's view filter, accepting queries whose label has VALUE. */
  private static final class OnlyFor implements PluginFactory {
    final AtomicInteger tests = new AtomicInteger();

    @Override
    public String directive() {
      return "only_for";
    }

    @Override
    public Placement placement() {
      return Placement.after("publisher");
    }

    @Override
    public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
      String label = config.nextArg("LABEL");
      String value = config.nextArg("VALUE");
      return new Plugin() {
        @Override
        public Optional<ViewFilter> view() {
          return Optional.of(new ViewFilter() {
            @Override
            public String viewName() {
              return "only_for";
            }

            @Override
            public boolean accepts(dev.corvus.dns.api.Request request) {
              tests.incrementAndGet();
              return request.context().metadata(label).map(value::equals).orElse(false);
            }
          });
        }
      };
    }
  }

  @Test
  void aThirdPartyViewFilterReadsMetadataCollectedOnceBeforeTheChain() throws Exception {
    Publisher publisher = new Publisher();
    OnlyFor filter = new OnlyFor();
    String corefile = "example.:0 {\n metadata\n publisher\n only_for test/client 127.0.0.1\n reader test/client\n}\n"
        + "other.:0 {\n metadata\n publisher\n only_for test/client 192.0.2.1\n reader test/client\n}\n"
        + ".:0 {\n reader test/client\n}\n";
    try (Corvus server = Corvus.builder().plugin(publisher).plugin(filter).plugin(new Reader())
        .corefile(corefile).dnsPort(0).start()) {
      assertEquals("127.0.0.1/127.0.0.1", txt(server, "a.example."));
      assertEquals(1, publisher.evaluations.get(), "the filter and the chain share one collection");
      // other. refuses 127.0.0.1: the root block, without metadata, serves it
      assertEquals("none/none", txt(server, "a.other."));
      assertEquals(2, filter.tests.get());
    }
  }
}
