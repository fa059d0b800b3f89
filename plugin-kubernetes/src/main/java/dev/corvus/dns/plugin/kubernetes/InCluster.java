package dev.corvus.dns.plugin.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.OAuthTokenProvider;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a pod finds its API server and credentials when the {@code kubernetes} directive names
 * neither {@code endpoint} nor {@code kubeconfig}, taken as client-go's {@code
 * rest.InClusterConfig} takes them (CoreDNS builds its client with it): the URL {@code
 * https://HOST:PORT} from {@code KUBERNETES_SERVICE_HOST} and {@code KUBERNETES_SERVICE_PORT} (an
 * IPv6 host in brackets, as Go's {@code net.JoinHostPort}), the service account's token as bearer
 * token and its CA as the only trust. {@link #system()} reads the pod's; tests give their own.
 *
 * <p>As client-go: without a readable, non-empty token the client is not built (an error at
 * start, naming the file); a CA file that is not there leaves the default trust, with a warning.
 * In a pod nothing else is read (no kubeconfig, no fabric8 variables such as {@code
 * KUBERNETES_MASTER}). Outside a pod (the variables unset), a kubeconfig the user has ({@code
 * KUBECONFIG}, else {@code ~/.kube/config}) is read by fabric8's auto-configuration, as Corvus
 * always did (CoreDNS would stop); without one, the client is not built, saying what is missing.
 *
 * @param host {@code KUBERNETES_SERVICE_HOST}, {@code null} when unset
 * @param port {@code KUBERNETES_SERVICE_PORT}, {@code null} when unset
 * @param tokenFile the service account token, read again whenever the file changes (the kubelet
 *     replaces projected tokens before they expire)
 * @param caFile the cluster's CA certificates (PEM)
 * @param userKubeconfig whether fabric8 finds a kubeconfig file of the user's ({@code KUBECONFIG},
 *     else {@code ~/.kube/config}), used outside a pod
 */
record InCluster(String host, String port, Path tokenFile, Path caFile, boolean userKubeconfig) {

  private static final Logger LOG = LoggerFactory.getLogger(InCluster.class);

  /** Where the kubelet mounts a pod's service account. */
  static final Path SERVICE_ACCOUNT = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

  /** The pod's environment and service account mount. */
  static InCluster system() {
    return new InCluster(System.getenv("KUBERNETES_SERVICE_HOST"), System.getenv("KUBERNETES_SERVICE_PORT"),
        SERVICE_ACCOUNT.resolve("token"), SERVICE_ACCOUNT.resolve("ca.crt"),
        Config.getKubeconfigFilenames().stream().anyMatch(name -> new File(name).isFile()));
  }

  /** Whether both variables are set, as in a pod. */
  boolean inPod() {
    return host != null && !host.isEmpty() && port != null && !port.isEmpty();
  }

  /** {@code https://HOST:PORT}, an IPv6 host in brackets. */
  String url() {
    return "https://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /**
   * The client configuration: {@link #url()}, the token (read now), the CA; outside a pod, the
   * user's kubeconfig when there is one.
   *
   * @throws IOException when not in a pod and without a kubeconfig, or when the token cannot be
   *     read or is empty, saying which
   */
  Config config() throws IOException {
    if (!inPod()) {
      if (userKubeconfig) {
        return Config.autoConfigure(null);
      }
      throw new IOException("no in-cluster configuration: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be"
          + " set, as in a pod (outside a cluster, give the kubernetes directive an endpoint or a kubeconfig)");
    }
    ConfigBuilder builder = new ConfigBuilder(Config.empty())
        .withMasterUrl(url())
        .withOauthTokenProvider(new TokenFile(tokenFile));
    if (Files.isRegularFile(caFile)) {
      builder.withCaCertFile(caFile.toString());
    } else {
      // client-go logs this and goes on with the system's roots.
      LOG.warn("kubernetes: no service account CA at {}; the API server's certificate is checked against the JVM's"
          + " default trust", caFile);
    }
    return builder.build();
  }

  /**
   * The bearer token, from the file: read at once (a failure is the caller's error), then read
   * again when the file's modification time changes; a failed read later keeps the token known,
   * as client-go's cached file token source does.
   */
  static final class TokenFile implements OAuthTokenProvider {

    private final Path file;
    private FileTime readAt;
    private String token;

    TokenFile(Path file) throws IOException {
      this.file = file;
      this.token = read(file);
      this.readAt = Files.getLastModifiedTime(file);
    }

    @Override
    public synchronized String getToken() {
      try {
        FileTime modified = Files.getLastModifiedTime(file);
        if (!modified.equals(readAt)) {
          token = read(file);
          readAt = modified;
        }
      } catch (IOException e) {
        LOG.warn("kubernetes: cannot read the service account token again ({}); the last one read is sent", e.toString());
      }
      return token;
    }

    private static String read(Path file) throws IOException {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new IOException("cannot read the service account token " + file + ": " + e, e);
      }
      if (text.isEmpty()) {
        throw new IOException("the service account token " + file + " is empty");
      }
      return text;
    }
  }
}
