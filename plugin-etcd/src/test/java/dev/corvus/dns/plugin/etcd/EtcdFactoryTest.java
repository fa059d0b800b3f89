package dev.corvus.dns.plugin.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.testkit.DirectiveConfig;
import dev.corvus.dns.testkit.PluginTestKit;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;

/** The directive as CoreDNS reads it, and errors with the Corefile's file and line. */
class EtcdFactoryTest {

  private final PluginTestKit kit = new PluginTestKit();

  private EtcdConfig parse(String serverKey, String directive) throws ConfigException {
    DirectiveConfig reader = kit.config(serverKey, directive);
    EtcdConfig config = EtcdFactory.parse(reader);
    reader.finish();
    return config;
  }

  @Test
  void defaultsAreCoreDnsDefaults() throws Exception {
    EtcdConfig config = parse("skydns.local", "etcd");
    assertEquals(List.of(Name.fromString("skydns.local.")), config.zones());
    assertEquals("skydns", config.path());
    assertEquals("/skydns/", config.keyPrefix());
    assertEquals(List.of(URI.create("http://localhost:2379")), config.endpoints());
    assertFalse(config.fallthrough().enabled());
    assertTrue(config.credentials().isEmpty());
    assertTrue(config.tls().isEmpty());
    assertEquals(30, config.minLeaseTtl());
    assertEquals(86400, config.maxLeaseTtl());
  }

  @Test
  void everyOptionIsRead() throws Exception {
    EtcdConfig config = parse(".", """
        etcd skydns.local 10.0.0.0/24 {
            fallthrough in-addr.arpa
            path /other/
            endpoint http://127.0.0.1:2379 https://10.0.0.2:2379
            credentials root secret
            min-lease-ttl 60
            max-lease-ttl 1h
        }""");
    assertEquals(List.of(Name.fromString("skydns.local."), Name.fromString("0.0.10.in-addr.arpa.")), config.zones());
    assertTrue(config.fallthrough().covers(Name.fromString("1.0.0.10.in-addr.arpa.")));
    assertFalse(config.fallthrough().covers(Name.fromString("x.skydns.local.")));
    assertEquals("/other/", config.keyPrefix());
    assertEquals(2, config.endpoints().size());
    assertEquals("root", config.credentials().orElseThrow().user());
    assertFalse(config.credentials().orElseThrow().toString().contains("secret"));
    assertEquals(60, config.minLeaseTtl());
    assertEquals(3600, config.maxLeaseTtl());
  }

  @Test
  void tlsFilesMustExist(@TempDir Path dir) throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
    EtcdConfig config = parse(".", "etcd {\n tls " + ca + "\n}");
    assertEquals(ca, config.tls().orElseThrow().ca().orElseThrow());
    ConfigException missing = assertThrows(ConfigException.class, () -> parse(".", "etcd {\n tls " + dir.resolve("none.pem") + "\n}"));
    assertTrue(missing.getMessage().startsWith("<test>:3: etcd: tls:"), missing.getMessage());
  }

  @Test
  void errorsNameTheLine() {
    List<String[]> cases = List.of(
        new String[] {"etcd {\n credentials root\n}", "<test>:3: etcd: credentials: credentials requires 2 arguments, username and password"},
        new String[] {"etcd {\n endpoint\n}", "<test>:3: etcd: endpoint: expected at least one endpoint URL"},
        new String[] {"etcd {\n endpoint localhost:2379\n}", "<test>:3: etcd: endpoint: expected an endpoint URL"},
        new String[] {"etcd {\n path\n}", "<test>:3: etcd: path:"},
        new String[] {"etcd {\n min-lease-ttl soon\n}", "<test>:3: etcd: min-lease-ttl:"},
        new String[] {"etcd {\n endpiont http://127.0.0.1:2379\n}", "<test>:3: etcd: "},
        new String[] {"etcd other.zone", "<test>:2: etcd: zone \"other.zone.\" is not in the server block's zones"});
    for (String[] c : cases) {
      ConfigException e = assertThrows(ConfigException.class, () -> parse("skydns.local", c[0]), c[0]);
      assertTrue(e.getMessage().startsWith(c[1]), () -> c[0] + " -> " + e.getMessage());
    }
  }

  @Test
  void optionsCoreDnsIgnoresAreAcceptedWithAWarning() throws Exception {
    DirectiveConfig reader = kit.config(".", "etcd {\n stubzones\n upstream 8.8.8.8\n debug\n}");
    EtcdFactory.parse(reader);
    assertEquals(3, reader.warnings().size(), reader.warnings().toString());
  }
}
