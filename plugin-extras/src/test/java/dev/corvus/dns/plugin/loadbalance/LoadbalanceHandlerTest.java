package dev.corvus.dns.plugin.loadbalance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.testkit.PluginTestKit;
import dev.corvus.dns.testkit.Queries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

class LoadbalanceHandlerTest {

  private static final Name NAME = Name.fromConstantString("www.example.org.");

  private final PluginTestKit kit = new PluginTestKit();

  @AfterEach
  void closeKit() {
    kit.close();
  }

  private static Message response() {
    Request request = Queries.request("www.example.org.", Type.A);
    Message m = Responses.reply(request);
    for (int i = 1; i <= 5; i++) {
      m.addRecord(new ARecord(NAME, DClass.IN, 60, new byte[] {10, 0, 0, (byte) i}), Section.ANSWER);
    }
    m.addRecord(new TXTRecord(NAME, DClass.IN, 60, "t"), Section.ANSWER);
    m.addRecord(new CNAMERecord(NAME, DClass.IN, 60, Name.fromConstantString("x.example.org.")), Section.ANSWER);
    m.addRecord(new MXRecord(NAME, DClass.IN, 60, 10, Name.fromConstantString("mx1.example.org.")), Section.ANSWER);
    m.addRecord(new MXRecord(NAME, DClass.IN, 60, 20, Name.fromConstantString("mx2.example.org.")), Section.ANSWER);
    return m;
  }

  @Test
  void shufflesAddressesAndMxKeepingCnameFirst() throws Exception {
    LoadbalanceHandler handler = new LoadbalanceHandler(LoadbalanceFactory.parse(kit.config("loadbalance")), () -> null);
    Message original = response();
    List<Record> before = List.copyOf(original.getSection(Section.ANSWER));
    Set<List<Record>> orders = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      List<Record> answer = handler.shuffle(original).getSection(Section.ANSWER);
      assertEquals(Set.copyOf(before), Set.copyOf(answer));
      assertEquals(Type.CNAME, answer.get(0).getType());
      assertEquals(Type.TXT, answer.get(1).getType());
      for (int j = 2; j < 7; j++) {
        assertEquals(Type.A, answer.get(j).getType());
      }
      assertEquals(Type.MX, answer.get(7).getType());
      orders.add(answer.subList(2, 7));
    }
    assertTrue(orders.size() > 5, "orders seen: " + orders.size());
    assertEquals(before, original.getSection(Section.ANSWER), "the chain's response is not modified");
  }

  @Test
  void leavesErrorsAlone() {
    LoadbalanceHandler handler = new LoadbalanceHandler(new LoadbalanceConfig(null, LoadbalanceConfig.DEFAULT_RELOAD, 0, List.of()), () -> null);
    Message m = response();
    m.getHeader().setRcode(Rcode.NXDOMAIN);
    assertSame(m, handler.shuffle(m));
  }

  @Test
  void preferMovesPreferredNetworksFirst() throws Exception {
    LoadbalanceHandler handler = new LoadbalanceHandler(LoadbalanceFactory.parse(
        kit.config("loadbalance round_robin {\n prefer 10.0.0.4/32 10.0.0.2/31\n}")), () -> null);
    for (int i = 0; i < 20; i++) {
      List<Record> answer = handler.shuffle(response()).getSection(Section.ANSWER);
      assertEquals(Type.CNAME, answer.get(0).getType());
      assertEquals("10.0.0.4", ((ARecord) answer.get(1)).getAddress().getHostAddress());
      Set<String> next = Set.of(((ARecord) answer.get(2)).getAddress().getHostAddress(),
          ((ARecord) answer.get(3)).getAddress().getHostAddress());
      assertEquals(Set.of("10.0.0.2", "10.0.0.3"), next);
    }
  }

  @Test
  void weightedOrdersAsRoundRobinAndPutsAnAddressFirstInProportionToItsWeight(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("weights"), """
        # www.example.org's addresses
        www.example.org
        10.0.0.1 3
        10.0.0.2 1
        10.0.0.3 2
        """);
    Weights weights = Weights.read(file);
    LoadbalanceHandler handler = new LoadbalanceHandler(
        LoadbalanceFactory.parse(kit.config("loadbalance weighted " + file)), () -> weights);
    Map<String, Integer> top = new HashMap<>();
    int rounds = 9000;
    for (int i = 0; i < rounds; i++) {
      List<Record> answer = handler.shuffle(response()).getSection(Section.ANSWER);
      assertEquals(9, answer.size());
      // CoreDNS: CNAMEs, the other records, the addresses, MX last
      assertEquals(List.of(Type.CNAME, Type.TXT, Type.A, Type.A, Type.A, Type.A, Type.A, Type.MX, Type.MX),
          answer.stream().map(Record::getType).toList());
      String first = ((ARecord) answer.get(2)).getAddress().getHostAddress();
      top.merge(first, 1, Integer::sum);
    }
    // weights 3 : 1 : 2 : 1 : 1 (10.0.0.4 and .5 default to 1), total 8
    assertEquals(3.0 / 8, top.get("10.0.0.1") / (double) rounds, 0.03, top.toString());
    assertEquals(1.0 / 8, top.get("10.0.0.2") / (double) rounds, 0.03, top.toString());
    assertEquals(2.0 / 8, top.get("10.0.0.3") / (double) rounds, 0.03, top.toString());
  }

  @Test
  void limitAnswersCutsTheAnswerSection() throws Exception {
    LoadbalanceHandler handler = new LoadbalanceHandler(
        LoadbalanceFactory.parse(kit.config("loadbalance {\n limit_answers 3\n}")), () -> null);
    assertEquals(3, handler.shuffle(response()).getSection(Section.ANSWER).size());
  }

  @Test
  void malformedWeightFilesAreRejectedWithTheirLine(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("weights"), "www.example.org\n10.0.0.1 3\n10.0.0.2 900\n");
    ConfigException e = assertThrows(ConfigException.class,
        () -> kit.create(new LoadbalanceFactory(), "loadbalance weighted " + file));
    assertTrue(e.getMessage().contains(file + ":3: the weight must be between 1 and 255"), e.getMessage());
  }

  @Test
  void badConfigurationsAreRejected() {
    assertThrows(ConfigException.class, () -> LoadbalanceFactory.parse(kit.config("loadbalance random")));
    assertThrows(ConfigException.class, () -> LoadbalanceFactory.parse(kit.config("loadbalance round_robin x")));
    assertThrows(ConfigException.class,
        () -> LoadbalanceFactory.parse(kit.config("loadbalance {\n prefer 10.0.0.0\n}")));
    assertThrows(ConfigException.class,
        () -> LoadbalanceFactory.parse(kit.config("loadbalance {\n reload 10s\n}")));
    assertThrows(ConfigException.class,
        () -> LoadbalanceFactory.parse(kit.config("loadbalance {\n limit_answers 0\n}")));
  }
}
