package dev.corvus.dns.server.corefile;

import static dev.corvus.dns.server.corefile.CorefileGrammarTest.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.Location;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Corefiles Kubernetes ships, and broken copies of them. */
class ReferenceCorefileTest {

  @TempDir Path dir;

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(ReferenceCorefileTest.class.getResource("/corefile/" + name).toURI());
  }

  @Test
  void kubeadmCorefile() throws Exception {
    Corefile corefile = CorefileParser.parse(resource("corefile-kubeadm"), Map.of(), 53);
    assertEquals("dns://.:53{errors();health();"
        + "kubernetes(cluster.local,in-addr.arpa,ip6.arpa){pods(insecure);upstream();fallthrough(in-addr.arpa,ip6.arpa);ttl(30)};"
        + "prometheus(:9153);forward(.,/etc/resolv.conf);cache(30);loop();reload();loadbalance()}", render(corefile));
    Directive kubernetes = corefile.blocks().get(0).directives().get(2);
    assertEquals(4, kubernetes.location().line());
    assertEquals(7, kubernetes.block().get(2).location().line());
    assertEquals(List.of(resource("corefile-kubeadm")), corefile.files());
  }

  @Test
  void currentKubernetesCorefile() throws Exception {
    Corefile corefile = CorefileParser.parse(resource("corefile-kubernetes-current"), Map.of(), 53);
    assertEquals("dns://.:53{errors();health(){lameduck(5s)};ready();"
        + "kubernetes(cluster.local,in-addr.arpa,ip6.arpa){pods(insecure);fallthrough(in-addr.arpa,ip6.arpa);ttl(30)};"
        + "prometheus(:9153);forward(.,/etc/resolv.conf){max_concurrent(1000)};cache(30);loop();reload();loadbalance()}",
        render(corefile));
    assertEquals(14, corefile.blocks().get(0).directives().get(5).block().get(0).location().line());
  }

  @Test
  void brokenCopyWithAnUnclosedBraceFailsAtThatBrace() throws Exception {
    String text = Files.readString(resource("corefile-kubeadm")).replace("       ttl 30\n    }\n", "       ttl 30\n");
    Path broken = Files.writeString(dir.resolve("Corefile"), text);
    ConfigException e = assertThrows(ConfigException.class, () -> CorefileParser.parse(broken, Map.of(), 53));
    assertEquals(new Location(broken.toString(), 1), e.location());
    assertEquals(broken + ":1: Unexpected EOF: the '{' opened here is never closed", e.getMessage());
  }

  @Test
  void brokenCopyWithABadCidrFailsAtItsKey() throws Exception {
    String text = Files.readString(resource("corefile-kubernetes-current")) + "\n10.300.0.0/16 {\n  whoami\n}\n";
    Path broken = Files.writeString(dir.resolve("Corefile"), text);
    ConfigException e = assertThrows(ConfigException.class, () -> CorefileParser.parse(broken, Map.of(), 53));
    assertEquals(broken + ":22: invalid CIDR 10.300.0.0/16", e.getMessage());
  }
}
