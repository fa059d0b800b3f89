package dev.corvus.dns.plugin.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;

/** SkyDNS paths, messages and groups as CoreDNS's msg package has them (its path, service and type tests). */
class SkyDnsTest {

  private static SkyDnsService parse(String json) throws SkyDnsService.MalformedException {
    return SkyDnsService.parse("/skydns/test/x", json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void pathsReverseTheLabels() throws Exception {
    assertEquals("/skydns/test/skydns/mx", SkyDnsPath.path(Name.fromString("mx.skydns.test."), "skydns"));
    assertEquals("/skydns/test/skydns/mx", SkyDnsPath.path(Name.fromString("MX.SkyDNS.test."), "/skydns"));
    assertEquals("/skydns", SkyDnsPath.path(Name.root, "skydns"));
    assertEquals("mx.skydns.test.", SkyDnsPath.domain("/skydns/test/skydns/mx"));
    assertEquals("a.mx.skydns.test.", SkyDnsPath.domain("/skydns/test/skydns/mx/a/"));
    SkyDnsPath.Wildcard w = SkyDnsPath.pathWithWildcard(Name.fromString("prod.*.skydns.test."), "skydns");
    assertEquals("/skydns/test/skydns", w.path());
    assertTrue(w.star());
    assertEquals("/skydns/test/skydns", SkyDnsPath.pathWithWildcard(Name.fromString("x.any.skydns.test."), "skydns").path());
  }

  @Test
  void messagesDecodeAsGoDoes() throws Exception {
    SkyDnsService s = parse("{\"Host\":\"10.0.0.1\",\"port\":8080,\"priority\":5,\"weight\":3,\"TTL\":60,"
        + "\"mail\":true,\"text\":\"t\",\"targetstrip\":1,\"group\":\"g\",\"unknown\":[1,{\"a\":2}],\"ttl\":null}");
    assertEquals(new SkyDnsService("10.0.0.1", 8080, 5, 3, "t", true, 60, 1, "g", "/skydns/test/x"), s);
    assertEquals("", parse("null").host());
    List<String> bad = List.of("", "not json", "[1]", "\"x\"", "{\"host\":1}", "{\"port\":\"80\"}",
        "{\"port\":1.5}", "{\"ttl\":-1}", "{\"ttl\":4294967296}", "{\"mail\":\"yes\"}", "{\"host\":\"a\"} x",
        "{\"port\":99999999999999999999}");
    for (String json : bad) {
      assertThrows(SkyDnsService.MalformedException.class, () -> parse(json), json);
    }
  }

  @Test
  void hostsAreAddressesAsGoParsesThem() {
    assertEquals("10.0.0.1", SkyDnsAnswers.address("10.0.0.1").getHostAddress());
    assertEquals("1.2.3.4", SkyDnsAnswers.address("::ffff:1.2.3.4").getHostAddress());
    assertTrue(SkyDnsAnswers.address("2003::8:1").getHostAddress().startsWith("2003:"));
    for (String name : List.of("", "dev.server1", "010.0.0.1", "256.0.0.1", "1.2.3", "fe80::1%eth0", "[::1]")) {
      assertNull(SkyDnsAnswers.address(name), name);
    }
  }

  @Test
  void targetStripKeepsTheNameWhenItWouldStripEverything() throws Exception {
    Name name = Name.fromString("a.b.c.");
    assertEquals(Name.fromString("b.c."), SkyDnsAnswers.strip(name, 1));
    assertEquals(Name.fromString("c."), SkyDnsAnswers.strip(name, 2));
    assertEquals(name, SkyDnsAnswers.strip(name, 3));
    assertEquals(name, SkyDnsAnswers.strip(name, 0));
  }

  private static SkyDnsService grouped(String key, String group) {
    return new SkyDnsService("10.0.0.1", 0, 10, 0, "", false, 300, 0, group, key);
  }

  @Test
  void groupsKeepTheShallowestGroupAndTheUngrouped() {
    SkyDnsService a = grouped("/skydns/test/skydns/dom/a", "g1");
    SkyDnsService b = grouped("/skydns/test/skydns/dom/sub/b", "g1");
    SkyDnsService c = grouped("/skydns/test/skydns/dom/sub/c", "g2");
    SkyDnsService d = grouped("/skydns/test/skydns/dom/sub/d", "");
    assertEquals(List.of(a, b, d), SkyDnsGroups.select(List.of(a, b, c, d)));
    SkyDnsService e = grouped("/skydns/test/skydns/dom/e", "g2");
    assertEquals(List.of(a, e, b), SkyDnsGroups.select(List.of(a, e, b)), "groups differ at the top: all kept");
  }
}
