package dev.corvus.dns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.Corvus;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Strict parsing: every malformed option is rejected with its line, before anything starts. */
class KubernetesConfigTest {

  private static ConfigException reject(String block) {
    return assertThrows(
        ConfigException.class,
        () -> Corvus.builder().corefile(".:0 {\n  kubernetes cluster.local {\n    " + block + "\n  }\n}\n").dnsPort(0).start().close());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "ttl 3601            | TTL",
        "ttl -1              | TTL",
        "ttl                 | TTL",
        "ttl 5 6             | ",
        "pods sometimes      | wrong value for pods",
        "pods                | ",
        "endpoint_pod_names x| ",
        "noendpoints now     | ",
        "tls cert.pem key.pem| cannot read",
        "tls                 | expected CERT KEY CACERT",
        "endpoint http://[::1| invalid API server URL",
        "kubeconfig nowhere  | cannot read kubeconfig",
        "offline nowhere     | not a directory",
        "kubeconfig          | KUBECONFIG",
        "kubeconfig a b c    | ",
        "namespaces          | NAMESPACE",
        "labels a=b=c        | unable to parse",
        "labels a b c d      | unable to parse",
        "ignore everything   | unable to parse ignore value",
        "startup_timeout soon| ",
        "apiserver_qps -1    | apiserver_qps must be >= 0",
        "apiserver_qps fast  | invalid apiserver_qps",
        "apiserver_burst -1  | ",
        "apiserver_max_inflight x | ",
        "endponit http://127.0.0.1:1 | endpoint",
        "multicluster clusterset.local | covers no zone of this kubernetes block",
      })
  void malformedOptionsAreRejectedWithTheirLine(String block, String expected) {
    ConfigException e = reject(block);
    assertEquals(3, e.location().line(), e.getMessage());
    assertTrue(e.getMessage().contains("kubernetes"), e.getMessage());
    if (expected != null) {
      assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
  }

  @Test
  void namespacesAndNamespaceLabelsExcludeEachOther() {
    ConfigException e = reject("namespaces a\n    namespace_labels env=prod");
    assertTrue(e.getMessage().contains("namespaces and namespace_labels cannot both be set"), e.getMessage());
  }

  @Test
  void offlineExcludesTheApiServerOptions() {
    ConfigException e = reject("offline demo\n    endpoint http://127.0.0.1:1");
    assertTrue(e.getMessage().contains("offline"), e.getMessage());
  }

  @Test
  void onlyReverseZonesAreRejected() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> Corvus.builder().corefile(".:0 {\n  kubernetes in-addr.arpa\n}\n").dnsPort(0).start().close());
    assertTrue(e.getMessage().contains("non-reverse zone name must be used"), e.getMessage());
  }

  @Test
  void labelSelectorGrammar() {
    LabelSelector s = LabelSelector.parse("app=web, tier!=db, env in (a, b), !legacy, owner");
    assertTrue(s.matches(Map.of("app", "web", "tier", "fe", "env", "a", "owner", "x")));
    assertTrue(!s.matches(Map.of("app", "web", "tier", "db", "env", "a", "owner", "x")));
    assertTrue(!s.matches(Map.of("app", "web", "env", "c", "owner", "x")));
    assertTrue(!s.matches(Map.of("app", "web", "env", "a", "owner", "x", "legacy", "")));
    assertTrue(!s.matches(Map.of("app", "web", "env", "a")));
    assertTrue(LabelSelector.parse("env notin (prod)").matches(Map.of()));
  }
}
