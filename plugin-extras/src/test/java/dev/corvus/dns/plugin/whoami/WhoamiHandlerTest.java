package dev.corvus.dns.plugin.whoami;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Transport;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.testkit.PluginTestKit;
import dev.corvus.dns.testkit.Queries;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class WhoamiHandlerTest {

  private final PluginTestKit kit = new PluginTestKit();

  private static Message answer(Request request) throws Exception {
    return new WhoamiHandler().handle(PluginTestKit.chain(request, "next", next -> {
      throw new AssertionError("whoami must not call the rest of the chain");
    })).toCompletableFuture().get();
  }

  @AfterEach
  void closeKit() {
    kit.close();
  }

  @Test
  void ipv4ClientOverUdpGetsAddressAndUdpSrvWithTtlZero() throws Exception {
    Request request = Queries.request("Example.ORG.", Type.A, new InetSocketAddress("127.0.0.1", 40212), Transport.UDP);
    Message response = answer(request);

    assertTrue(response.getHeader().getFlag(Flags.AA));
    assertTrue(response.getSection(Section.ANSWER).isEmpty());
    List<Record> extra = response.getSection(Section.ADDITIONAL);
    assertEquals(2, extra.size());
    ARecord a = (ARecord) extra.get(0);
    assertEquals(Name.fromConstantString("Example.ORG."), a.getName());
    assertEquals(InetAddress.getByName("127.0.0.1"), a.getAddress());
    assertEquals(0, a.getTTL());
    SRVRecord srv = (SRVRecord) extra.get(1);
    assertEquals(Name.fromConstantString("_udp.Example.ORG."), srv.getName());
    assertEquals(40212, srv.getPort());
    assertEquals(0, srv.getPriority());
    assertEquals(0, srv.getWeight());
    assertEquals(Name.root, srv.getTarget());
    assertEquals(0, srv.getTTL());
  }

  @Test
  void ipv6ClientOverTcpGetsAaaaAndTcpSrv() throws Exception {
    Request request = Queries.request("example.org.", Type.TXT, new InetSocketAddress("::1", 5000), Transport.TCP);
    List<Record> extra = answer(request).getSection(Section.ADDITIONAL);
    assertEquals(InetAddress.getByName("::1"), ((AAAARecord) extra.get(0)).getAddress());
    assertEquals(Name.fromConstantString("_tcp.example.org."), extra.get(1).getName());
    assertEquals(5000, ((SRVRecord) extra.get(1)).getPort());
  }

  @Test
  void rootQuestionGetsSrvUnderTheRoot() throws Exception {
    Request request = Queries.request(".", Type.A);
    List<Record> extra = answer(request).getSection(Section.ADDITIONAL);
    assertEquals(Name.fromConstantString("_udp."), extra.get(1).getName());
  }

  @Test
  void factoryTakesNoArguments() throws Exception {
    PluginContext context = kit.context();
    new WhoamiFactory().create(kit.config("whoami"), context);
    assertThrows(ConfigException.class, () -> new WhoamiFactory().create(kit.config("whoami extra"), context));
    assertThrows(ConfigException.class, () -> new WhoamiFactory().create(kit.config("whoami {\n x\n}"), context));
  }
}
