package dev.corvus.dns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

/** The fabric8 client as the plugin configures it (no connection is made). */
class KubernetesClientsTest {

  private static KubernetesConfig.ApiServer endpoint(String url) {
    return new KubernetesConfig.ApiServer(url, null, null, null, 0, 0, 0);
  }

  @Test
  void aPlainHttpEndpointIsSpokenToInHttp11WithoutAnUpgradeToH2c() throws Exception {
    try (KubernetesClient client = KubernetesClients.create(endpoint("http://127.0.0.1:8001"), new ObjectMapper())) {
      assertTrue(client.getConfiguration().isHttp2Disable());
    }
  }

  @Test
  void anHttpsEndpointKeepsHttp2ByAlpn() throws Exception {
    try (KubernetesClient client = KubernetesClients.create(endpoint("https://10.96.0.1:443"), new ObjectMapper())) {
      assertFalse(client.getConfiguration().isHttp2Disable());
    }
  }
}
