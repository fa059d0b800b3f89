package dev.corvus.dns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.StandardHttpClientBuilder;
import io.fabric8.kubernetes.client.http.TlsVersion;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/**
 * {@link ApiServerTls.Factory}: the HTTP client fabric8 would build, with one SSL context (the
 * plugin's trust) over {@code https://} and none of JSSE over {@code http://}.
 */
class ApiServerHttpClientTest {

  /** Everything fabric8 applies from the configuration, set to something other than its default. */
  private static Config configured(String url) {
    return new ConfigBuilder(Config.empty()).withMasterUrl(url)
        .withConnectionTimeout(1234)
        .withHttp2Disable(true)
        .withTlsVersions(TlsVersion.TLS_1_2)
        .withHttpProxy("http://127.0.0.1:3128").withHttpsProxy("http://127.0.0.1:3129")
        .withProxyUsername("proxy-user").withProxyPassword("proxy-password")
        .withOauthToken("a-token")
        .build();
  }

  private static StandardHttpClientBuilder<?, ?, ?> standard(HttpClient.Builder builder) {
    return (StandardHttpClientBuilder<?, ?, ?>) builder;
  }

  /** The builder carries what fabric8's own factory puts in it; only its SSL context differs. */
  @Test
  void theBuilderIsFabric8sButForItsSslContext() {
    for (String url : List.of("http://10.96.0.1:8080", "https://10.96.0.1:443")) {
      Config config = configured(url);
      StandardHttpClientBuilder<?, ?, ?> fabric8s = standard(new JdkHttpClientFactory().newBuilder(config));
      StandardHttpClientBuilder<?, ?, ?> ours = standard(new ApiServerTls.Factory().newBuilder(config));
      assertEquals(fabric8s.getInterceptors().keySet(), ours.getInterceptors().keySet(), url);
      assertEquals(fabric8s.getConnectTimeout(), ours.getConnectTimeout(), url);
      assertEquals(fabric8s.isFollowRedirects(), ours.isFollowRedirects(), url);
      assertEquals(fabric8s.isPreferHttp11(), ours.isPreferHttp11(), url);
      assertArrayEquals(fabric8s.getTlsVersions(), ours.getTlsVersions(), url);
      assertEquals(fabric8s.getProxyAddress(), ours.getProxyAddress(), url);
      assertEquals(fabric8s.getProxyAuthorization(), ours.getProxyAuthorization(), url);
      assertEquals(fabric8s.getProxyType(), ours.getProxyType(), url);
      assertEquals(fabric8s.isAuthenticatorNone(), ours.isAuthenticatorNone(), url);
      assertEquals(fabric8s.getTags(), ours.getTags(), url);
      assertNotNull(ours.getProxyAddress(), "the proxy was configured: " + url);
      assertTrue(ours.getConnectTimeout().toMillis() == 1234, url);
    }
  }

  /** Over https the one context is the plugin's trust (the configured CA or the JDK's roots). */
  @Test
  void anHttpsClientGetsOneContextWithThePluginsTrust() {
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl("https://10.96.0.1:443").build();
    ApiServerTls.Factory factory = new ApiServerTls.Factory();
    StandardHttpClientBuilder<?, ?, ?> builder = standard(factory.newBuilder(config));
    assertNotNull(builder.getSslContext());
    assertSame(ApiServerTls.of(config).trust(), "jdk-default");
    assertNotSame(ApiServerTls.NO_TLS, builder.getSslContext());
    assertEquals(List.of(ApiServerTls.of(config).trustManagers()).size(), builder.getTrustManagers().length);
    java.net.http.HttpClient.Builder jdk = java.net.http.HttpClient.newBuilder();
    factory.additionalConfig(jdk);
    assertNotSame(ApiServerTls.NO_TLS, jdk.build().sslContext(), "the JDK client takes the builder's context");
  }

  /** Over http the JDK client gets a context without TLS (the JDK would otherwise take its default). */
  @Test
  void aPlainHttpClientGetsNoTls() {
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl("http://10.96.0.1:8080").build();
    ApiServerTls.Factory factory = new ApiServerTls.Factory();
    StandardHttpClientBuilder<?, ?, ?> builder = standard(factory.newBuilder(config));
    assertNull(builder.getSslContext(), "no JSSE context is made");
    java.net.http.HttpClient.Builder jdk = java.net.http.HttpClient.newBuilder();
    factory.additionalConfig(jdk);
    SSLContext context = jdk.build().sslContext();
    assertSame(ApiServerTls.NO_TLS, context);
    assertThrows(IllegalStateException.class, context::createSSLEngine);
    assertThrows(IllegalStateException.class, context::getSocketFactory);
  }

  /**
   * A plain-HTTP API server that redirects to https:// is not followed into TLS: the client has
   * no TLS to speak, the request fails, and nothing reaches the https:// address.
   */
  @Test
  void aRedirectFromHttpToHttpsIsRefused() throws Exception {
    HttpServer tls = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    List<String> reachedTls = new CopyOnWriteArrayList<>();
    tls.createContext("/", exchange -> {
      reachedTls.add(exchange.getRequestURI().toString());
      exchange.sendResponseHeaders(500, -1);
      exchange.close();
    });
    HttpServer plain = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    List<String> asked = new CopyOnWriteArrayList<>();
    plain.createContext("/", exchange -> {
      asked.add(exchange.getRequestURI().getPath());
      exchange.getResponseHeaders().add("Location",
          "https://127.0.0.1:" + tls.getAddress().getPort() + exchange.getRequestURI());
      exchange.sendResponseHeaders(302, -1);
      exchange.close();
    });
    tls.start();
    plain.start();
    try {
      Config config = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:" + plain.getAddress().getPort())
          .withRequestRetryBackoffLimit(0).build();
      try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config)
          .withHttpClientFactory(new ApiServerTls.Factory()).build()) {
        KubernetesClientException e = assertThrows(KubernetesClientException.class, () -> client.namespaces().list());
        assertTrue(causes(e, IllegalStateException.class), "refused for want of TLS: " + e);
      }
      assertEquals(List.of("/api/v1/namespaces"), asked);
      assertEquals(List.of(), reachedTls);
    } finally {
      plain.stop(0);
      tls.stop(0);
    }
  }

  private static boolean causes(Throwable e, Class<? extends Throwable> kind) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (kind.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
