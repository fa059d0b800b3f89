package dev.corvus.dns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
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

  /**
   * An endpoint without a scheme gets client-go's (http without {@code tls}), without a look at
   * the server first: fabric8 on its own connects to it while building its configuration, and
   * takes plain HTTP when no TLS handshake succeeds (here: a server that accepts and says nothing).
   */
  @Test
  void anEndpointWithoutSchemeGetsClientGosWithoutProbingTheServer() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      server.setSoTimeout(1);
      String hostPort = "127.0.0.1:" + server.getLocalPort();
      try (KubernetesClient client = KubernetesClients.create(endpoint(hostPort), new ObjectMapper())) {
        assertEquals("http://" + hostPort + "/", client.getConfiguration().getMasterUrl());
      }
      assertThrows(SocketTimeoutException.class, server::accept, "nothing connected to the server");
    }
    assertEquals("https://10.96.0.1:443", KubernetesClients.withScheme("10.96.0.1:443", true));
    assertEquals("HTTP://10.96.0.1:8080", KubernetesClients.withScheme("HTTP://10.96.0.1:8080", true));
  }

  @Test
  void anHttpsEndpointKeepsHttp2ByAlpn() throws Exception {
    try (KubernetesClient client = KubernetesClients.create(endpoint("https://10.96.0.1:443"), new ObjectMapper())) {
      assertFalse(client.getConfiguration().isHttp2Disable());
    }
  }

  /**
   * Watch events carry their object untyped; the client knows the informers' kinds (and Status,
   * the watch's error, such as 410 Gone) without loading every model class fabric8 ships.
   */
  @Test
  void watchEventsDecodeIntoTheInformersKindsWithoutTheModelScan() throws Exception {
    try (KubernetesClient client = KubernetesClients.create(endpoint("http://127.0.0.1:8001"), new ObjectMapper())) {
      KubernetesSerialization serialization = client.getKubernetesSerialization();
      assertInstanceOf(Service.class, event(serialization, "v1", "Service"));
      assertInstanceOf(EndpointSlice.class, event(serialization, "discovery.k8s.io/v1", "EndpointSlice"));
      assertInstanceOf(Namespace.class, event(serialization, "v1", "Namespace"));
      assertInstanceOf(Pod.class, event(serialization, "v1", "Pod"));
      // Read by KindDecoders, which leave out what the plugin does not read (fabric8 fills the uid).
      assertNull(assertInstanceOf(Service.class, event(serialization, "v1", "Service")).getMetadata().getUid());
      assertEquals("7", assertInstanceOf(Service.class, event(serialization, "v1", "Service")).getMetadata().getResourceVersion());
      WatchEvent gone = serialization.unmarshal(
          "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"code\":410,\"reason\":\"Expired\"}}",
          WatchEvent.class);
      assertEquals(410, assertInstanceOf(Status.class, gone.getObject()).getCode());
      assertNull(serialization.getRegisteredKubernetesResource("apps/v1", "Deployment"),
          "kinds the plugin never watches are not looked up");
    }
  }

  private static Object event(KubernetesSerialization serialization, String apiVersion, String kind) {
    String json = "{\"type\":\"ADDED\",\"object\":{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"" + kind
        + "\",\"metadata\":{\"name\":\"a\",\"namespace\":\"b\",\"resourceVersion\":\"7\",\"uid\":\"u-1\"}}}";
    return serialization.unmarshal(json, WatchEvent.class).getObject();
  }
}
