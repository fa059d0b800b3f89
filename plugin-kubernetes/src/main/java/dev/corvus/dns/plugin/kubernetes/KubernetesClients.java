package dev.corvus.dns.plugin.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.IOException;
import java.nio.file.Files;

/**
 * Builds the fabric8 client the way CoreDNS builds its client-go configuration: {@code endpoint}
 * (with {@code tls}) when given, else {@code kubeconfig} (with its context), else the pod's
 * service account.
 */
final class KubernetesClients {

  private KubernetesClients() {}

  /** Reads the configuration (this does file I/O: call it from {@code start}) and builds a client. */
  static KubernetesClient create(KubernetesConfig.ApiServer api) throws IOException {
    Config config = config(api);
    // Informers retry forever; a lost API server must not end the watch (CoreDNS keeps serving).
    config.setWatchReconnectLimit(-1);
    return build(config);
  }

  /**
   * A short-lived client for {@code corvus doctor}: the same connection, but every request gives
   * up after {@code timeout} and is not retried.
   */
  static KubernetesClient createForProbe(KubernetesConfig.ApiServer api, java.time.Duration timeout)
      throws IOException {
    Config config = config(api);
    int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
    config.setConnectionTimeout(millis);
    config.setRequestTimeout(millis);
    config.setRequestRetryBackoffLimit(0);
    return build(config);
  }

  /**
   * How the plugin reaches the API server, for operators: the URL when known, and where the
   * connection comes from.
   *
   * @param url the client's master URL once a client exists, else {@code null}
   */
  static String describe(KubernetesConfig.ApiServer api, String url) {
    String from;
    if (api.endpoint() != null) {
      from = "endpoint";
      url = url == null ? api.endpoint() : url;
    } else if (api.kubeconfig() != null) {
      from = "kubeconfig " + api.kubeconfig()
          + (api.kubeconfigContext() == null ? "" : " (context " + api.kubeconfigContext() + ")");
    } else {
      from = "in-cluster service account";
    }
    return url == null ? "api server from " + from : "api server " + url + " (" + from + ")";
  }

  private static Config config(KubernetesConfig.ApiServer api) throws IOException {
    Config config;
    if (api.endpoint() != null) {
      ConfigBuilder builder = new ConfigBuilder(Config.empty()).withMasterUrl(api.endpoint());
      if (api.tls() != null) {
        builder
            .withClientCertFile(api.tls().certificate().toString())
            .withClientKeyFile(api.tls().key().toString())
            .withCaCertFile(api.tls().certificateAuthority().toString());
      }
      config = builder.build();
    } else if (api.kubeconfig() != null) {
      String text = Files.readString(api.kubeconfig());
      config =
          Config.fromKubeconfig(
              api.kubeconfigContext(), text, api.kubeconfig().toAbsolutePath().toString());
    } else {
      // In a pod: the service account token and CA, as client-go's InClusterConfig.
      config = Config.autoConfigure(null);
    }
    if (api.maxInflight() > 0) {
      config.setMaxConcurrentRequests(api.maxInflight());
      config.setMaxConcurrentRequestsPerHost(api.maxInflight());
    }
    if (config.getMasterUrl() != null && config.getMasterUrl().startsWith("http://")) {
      // Over plain HTTP the JDK client offers an h2c upgrade on each new connection; against a
      // server that takes it (fabric8's CRUD mock does) lists running side by side were read as
      // HTTP/2 frames ("Frame type(58) length(6648610) exceeds MAX_FRAME_SIZE") or never
      // completed. HTTP/1.1 throughout; over TLS, HTTP/2 is negotiated by ALPN as usual.
      config = new ConfigBuilder(config).withHttp2Disable(true).build();
    }
    return config;
  }

  private static KubernetesClient build(Config config) {
    // fabric8 runs watch events and informer work on its task executor, behind a queue per watch
    // (SerialExecutor) that the WebSocket reader fills without waiting: 10,000 events at once sat
    // there as decoded objects, 8,849 Services in a 54 MiB heap, and the old generation thrashed
    // (ScaleIT c4, c7). Run inline instead, each event is applied by the thread that read it, and
    // the next is read only then (fabric8 asks the WebSocket for one message at a time). The JDK
    // HTTP client keeps its own threads, so no network I/O runs here.
    return new KubernetesClientBuilder()
        .withConfig(config)
        .withHttpClientFactory(new JdkHttpClientFactory())
        .withTaskExecutor(Runnable::run)
        .build();
  }
}
