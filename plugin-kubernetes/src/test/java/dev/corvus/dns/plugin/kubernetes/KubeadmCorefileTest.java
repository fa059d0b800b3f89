package dev.corvus.dns.plugin.kubernetes;

import static dev.corvus.dns.plugin.kubernetes.Dns.answer;
import static dev.corvus.dns.plugin.kubernetes.Dns.assertRcode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.Corvus;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The {@code kubernetes} block of the Corefile kubeadm installs (a verbatim copy in the test
 * resources, with its deprecated {@code upstream}), given only a kubeconfig, answers {@code
 * kubernetes.default.svc.cluster.local}. The other directives of that file belong to other modules
 * and are not on this module's class path.
 */
class KubeadmCorefileTest {

  @Test
  void kubeadmKubernetesBlockAnswersTheApiServerService(@TempDir Path dir) throws Exception {
    String block = kubernetesBlock(resource("/corefile-kubeadm"));
    assertTrue(block.contains("upstream"), block);
    try (MockApiServer api = new MockApiServer()) {
      Fixtures.populate(api.client());
      Path kubeconfig = dir.resolve("kubeconfig");
      Files.writeString(kubeconfig, KubernetesOptionsTest.kubeconfig(api.url()));
      String withKubeconfig =
          block.replaceFirst("\\{\n", "{\n       kubeconfig " + kubeconfig + " mock\n");
      try (Corvus server = Corvus.builder().corefile(".:0 {\n" + withKubeconfig + "}\n").dnsPort(0).start()) {
        Dns dns = new Dns(server);
        assertEquals(
            List.of("kubernetes.default.svc.cluster.local. 30 A 10.96.0.1"),
            answer(dns.query("kubernetes.default.svc.cluster.local.", Type.A)));
        assertEquals(
            List.of("10-244-7-7.team-a.pod.cluster.local. 30 A 10.244.7.7"),
            answer(dns.query("10-244-7-7.team-a.pod.cluster.local.", Type.A)));
        // fallthrough in-addr.arpa with nothing after kubernetes: the server's SERVFAIL.
        assertRcode(Rcode.SERVFAIL, dns.query("9.9.9.9.in-addr.arpa.", Type.PTR));
      }
    }
  }

  /** The {@code kubernetes ... { ... }} lines of a Corefile. */
  static String kubernetesBlock(String corefile) {
    int start = corefile.indexOf("kubernetes ");
    int end = corefile.indexOf("}", start);
    return corefile.substring(start, end + 1) + "\n";
  }

  private static String resource(String name) throws Exception {
    try (InputStream in = KubeadmCorefileTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
