package dev.corvus.dns.plugin.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Builds the fabric8 client the way CoreDNS builds its client-go configuration: {@code endpoint}
 * (with {@code tls}) when given, else {@code kubeconfig} (with its context), else the pod's
 * service account. {@link #checkUrl} and {@link #checkKubeconfig} check at configuration time
 * what building the client at start would trip over, so that {@code corvus check} reports it
 * with its line.
 */
final class KubernetesClients {

  /**
   * The YAML reader of {@link #checkKubeconfig}, made on first use: starts from an {@code endpoint}
   * or the service account never load the YAML factory and SnakeYAML.
   */
  private static final class Kubeconfig {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  }

  /**
   * The kinds a watch event of the informers may carry ({@code Status} for a watch's errors, such
   * as 410 Gone). fabric8 otherwise finds the kinds of watch events by loading every model class
   * it ships (about 600 classes, CPU and metaspace spent before the first sync).
   */
  private static final List<Class<? extends KubernetesResource>> WATCHED_KINDS =
      List.of(Service.class, EndpointSlice.class, Namespace.class, Pod.class, Status.class);

  private KubernetesClients() {}

  /**
   * Checks an API server URL as the client will take it: {@code http://} or {@code https://}
   * with a host and an optional port; without a scheme, the scheme client-go gives it ({@link
   * #withScheme}).
   *
   * @throws IllegalArgumentException saying what is wrong with {@code url}
   */
  static void checkUrl(String url) {
    String lower = url.toLowerCase(Locale.ROOT);
    boolean schemed = lower.startsWith("http://") || lower.startsWith("https://");
    if (!schemed && lower.contains("://")) {
      throw new IllegalArgumentException("invalid API server URL \"" + url + "\": expected http://HOST[:PORT] or https://HOST[:PORT]");
    }
    URI uri;
    try {
      uri = new URI(schemed ? url : "https://" + url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("invalid API server URL \"" + url + "\": " + e.getMessage(), e);
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("invalid API server URL \"" + url + "\": no valid host;"
          + " expected http://HOST[:PORT] or https://HOST[:PORT]");
    }
    if (uri.getQuery() != null || uri.getFragment() != null) {
      throw new IllegalArgumentException("invalid API server URL \"" + url + "\": a query or fragment has no place in it");
    }
  }

  /**
   * Checks that {@code kubeconfig} reads and parses, that it has the context the client will use
   * ({@code context}, else its {@code current-context}), that the context's cluster is defined and
   * that the cluster's server URL passes {@link #checkUrl}. Credentials are not looked at (an
   * {@code exec} plugin would have to run); nothing is contacted.
   *
   * @throws IllegalArgumentException saying what is wrong, naming the file
   */
  static void checkKubeconfig(Path kubeconfig, String context) {
    JsonNode parsed;
    try {
      // Read as a tree, not as fabric8's Config model: building Jackson's deserializers for that
      // model was 9 % of the CPU a server spent until ready.
      parsed = Kubeconfig.YAML.readTree(Files.readString(kubeconfig));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("kubeconfig " + kubeconfig + " does not parse: " + e.getOriginalMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot read kubeconfig " + kubeconfig + ": " + e, e);
    }
    if (parsed == null || parsed.isMissingNode() || parsed.isNull()) {
      throw new IllegalArgumentException("kubeconfig " + kubeconfig + " is empty");
    }
    if (!parsed.isObject()) {
      throw new IllegalArgumentException("kubeconfig " + kubeconfig + " does not parse: not a mapping of settings");
    }
    String contextName = context != null ? context : parsed.path("current-context").asText("");
    if (contextName.isEmpty()) {
      throw new IllegalArgumentException("kubeconfig " + kubeconfig + " has no current-context; name one: kubeconfig "
          + kubeconfig + " CONTEXT");
    }
    List<JsonNode> contexts = entries(kubeconfig, parsed, "contexts");
    JsonNode named = contexts.stream().filter(c -> contextName.equals(c.path("name").asText(null))).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("kubeconfig " + kubeconfig + " has no context \"" + contextName
            + "\" (it has: " + String.join(", ", contexts.stream().map(c -> c.path("name").asText("")).toList()) + ")"));
    String clusterName = named.path("context").path("cluster").asText(null);
    JsonNode cluster = entries(kubeconfig, parsed, "clusters").stream()
        .filter(c -> Objects.equals(clusterName, c.path("name").asText(null))).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("kubeconfig " + kubeconfig + ": context \"" + contextName
            + "\" names cluster \"" + clusterName + "\", which the file does not define"));
    String server = cluster.path("cluster").path("server").asText("");
    if (server.isEmpty()) {
      throw new IllegalArgumentException("kubeconfig " + kubeconfig + ": cluster \"" + clusterName + "\" has no server");
    }
    String lower = server.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
      // fabric8 would try a TLS handshake with the JDK's roots while reading the file, and fall
      // back to plain HTTP (with the file's credentials) when it fails.
      throw new IllegalArgumentException("kubeconfig " + kubeconfig + ": cluster \"" + clusterName + "\": server \""
          + server + "\" has no scheme; write https://" + server + " (or http://)");
    }
    try {
      checkUrl(server);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("kubeconfig " + kubeconfig + ": cluster \"" + clusterName + "\": " + e.getMessage(), e);
    }
  }

  /** The entries of the list {@code field} ({@code contexts}, {@code clusters}); none if absent. */
  private static List<JsonNode> entries(Path kubeconfig, JsonNode parsed, String field) {
    JsonNode list = parsed.path(field);
    if (list.isMissingNode() || list.isNull()) {
      return List.of();
    }
    if (!list.isArray()) {
      throw new IllegalArgumentException("kubeconfig " + kubeconfig + " does not parse: " + field + " is not a list");
    }
    List<JsonNode> entries = new ArrayList<>();
    list.forEach(entries::add);
    return entries;
  }

  /**
   * Reads the configuration (this does file I/O: call it from {@code start}) and builds a client.
   *
   * @param mapper the JSON mapper the client decodes with (fabric8 configures it), so that lists
   *     read as a stream ({@link StreamingLister}) decode items with the same deserializers
   */
  static KubernetesClient create(KubernetesConfig.ApiServer api, ObjectMapper mapper) throws IOException {
    Config config = config(api);
    // Informers retry forever; a lost API server must not end the watch (CoreDNS keeps serving).
    config.setWatchReconnectLimit(-1);
    return build(config, serialization(mapper));
  }

  /**
   * The serialization the informers' client decodes with: {@code mapper} as fabric8 configures it,
   * the watched kinds registered for watch events, and those kinds decoded by {@link KindDecoders}
   * (lists and watch events alike), as is the watch events' envelope.
   */
  static KubernetesSerialization serialization(ObjectMapper mapper) {
    KubernetesSerialization serialization = new KubernetesSerialization(mapper, false);
    WATCHED_KINDS.forEach(serialization::registerKubernetesResource);
    mapper.registerModule(KindDecoders.module());
    mapper.registerModule(KindDecoders.watchEvents());
    return serialization;
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
    return build(config, new KubernetesSerialization());
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

  /**
   * {@code url} with the scheme client-go gives a URL without one: {@code https://} when TLS is
   * configured ({@code tls}), else {@code http://} (an {@code endpoint} without {@code tls}
   * carries no credentials). Given no scheme, fabric8 would instead try a TLS handshake with the
   * server while it builds its configuration (a blocking connection, up to a second, trusting
   * the JDK's roots) and fall back to plain HTTP when that fails.
   */
  static String withScheme(String url, boolean tls) {
    String lower = url.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      return url;
    }
    return (tls ? "https://" : "http://") + url;
  }

  private static Config config(KubernetesConfig.ApiServer api) throws IOException {
    Config config;
    if (api.endpoint() != null) {
      ConfigBuilder builder = new ConfigBuilder(Config.empty()).withMasterUrl(withScheme(api.endpoint(), api.tls() != null));
      if (api.tls() != null) {
        api.tls().certificate().ifPresent(file -> builder.withClientCertFile(file.toString()));
        api.tls().key().ifPresent(file -> builder.withClientKeyFile(file.toString()));
        api.tls().ca().ifPresent(file -> builder.withCaCertFile(file.toString()));
      }
      config = builder.build();
    } else if (api.kubeconfig() != null) {
      config = Config.fromKubeconfig(api.kubeconfigContext(), api.kubeconfig().toAbsolutePath().toFile());
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

  private static KubernetesClient build(Config config, KubernetesSerialization serialization) {
    // fabric8 runs watch events and informer work on its task executor, behind a queue per watch
    // (SerialExecutor) that the WebSocket reader fills without waiting: 10,000 events at once sat
    // there as decoded objects, 8,849 Services in a 54 MiB heap, and the old generation thrashed
    // (ScaleIT c4, c7). Run inline instead, each event is applied by the thread that read it, and
    // the next is read only then (fabric8 asks the WebSocket for one message at a time). The JDK
    // HTTP client keeps its own threads, so no network I/O runs here.
    // TLS trust as client-go's (the configured CA only), without fabric8 loading cacerts first.
    return new KubernetesClientBuilder()
        .withConfig(config)
        .withKubernetesSerialization(serialization)
        .withHttpClientFactory(new ApiServerTls.Factory())
        .withTaskExecutor(Runnable::run)
        .build();
  }
}
