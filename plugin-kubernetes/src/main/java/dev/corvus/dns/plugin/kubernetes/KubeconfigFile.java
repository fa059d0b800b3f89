package dev.corvus.dns.plugin.kubernetes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A kubeconfig file made into the client's configuration as fabric8's {@code
 * Config.fromKubeconfig(context, file)} makes it, but read with a mapper of the plugin's own:
 * fabric8 reads it through its static {@code Serialization}, whose deserializer first loads and
 * instantiates every model class registered on the class path. Measured in ScaleIT (10,000 Services), that was
 * 832 more classes (6,867 against 6,035), 1.8 MiB more live heap and a peak RSS of 148 instead of
 * 138 MiB, against a start through {@code endpoint}.
 */
final class KubeconfigFile {

  /**
   * fabric8's marks on each entry of the file it came from (KubeConfigUtils' keys): relative
   * certificate and key paths are resolved against that file's folder, and refreshed tokens are
   * written back to it.
   */
  private static final String CONTEXT_FILE = "KUBERNETES_CONFIG_CONTEXT_FILE_KEY";
  private static final String CLUSTER_FILE = "KUBERNETES_CONFIG_CLUSTER_FILE_KEY";
  private static final String USER_FILE = "KUBERNETES_CONFIG_AUTH_INFO_FILE_KEY";

  /**
   * The YAML reader, made on first use: starts from an {@code endpoint} or the service account
   * never load the YAML factory and SnakeYAML.
   */
  private static final class Yaml {
    static final ObjectMapper MAPPER = mapper();

    /**
     * A YAML mapper configured as fabric8 configures its own: the kubeconfig model's extensions
     * are typed with fabric8's KubernetesDeserializer, which Jackson would otherwise create with
     * the constructor that scans the class path; fabric8's serialization hands it one that does
     * not.
     */
    private static ObjectMapper mapper() {
      ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
      new KubernetesSerialization(mapper, false);
      return mapper;
    }
  }

  private KubeconfigFile() {}

  /** The YAML reader, for checking a kubeconfig at configuration time as well. */
  static ObjectMapper yaml() {
    return Yaml.MAPPER;
  }

  /**
   * @param path the kubeconfig
   * @param context the context to use, or {@code null} for its current context
   */
  static Config read(Path path, String context) throws IOException {
    File file = path.toAbsolutePath().toFile();
    io.fabric8.kubernetes.api.model.Config kubeconfig =
        Yaml.MAPPER.readValue(file, io.fabric8.kubernetes.api.model.Config.class);
    if (kubeconfig.getContexts() != null) {
      kubeconfig.getContexts().forEach(entry -> entry.getAdditionalProperties().put(CONTEXT_FILE, file));
    }
    if (kubeconfig.getClusters() != null) {
      kubeconfig.getClusters().forEach(entry -> entry.getAdditionalProperties().put(CLUSTER_FILE, file));
    }
    if (kubeconfig.getUsers() != null) {
      kubeconfig.getUsers().forEach(entry -> entry.getAdditionalProperties().put(USER_FILE, file));
    }
    Config config = Config.empty();
    KubeConfigUtils.merge(config, context, kubeconfig);
    return config;
  }
}
