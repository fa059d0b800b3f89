package dev.corvus.dns.plugin.kubernetes;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.Fallthrough;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.config.TlsFiles;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.xbill.DNS.Name;

/**
 * {@code kubernetes [ZONES...] { ... }}: cluster DNS per the Kubernetes DNS specification, with
 * every option of CoreDNS's plugin plus Corvus's {@code offline DIR}. See the module README.
 *
 * <p>What start would trip over is an error here, at its option's line, so that {@code corvus
 * check} finds it: the endpoint URL, the kubeconfig (read, parsed, its context and cluster's
 * server), the {@code tls} files (read and parsed, the key matching the certificate) and the
 * offline directory. Nothing is contacted.
 */
@AutoService(PluginFactory.class)
public final class KubernetesFactory implements PluginFactory {

  static final List<String> KNOWN_OPTIONS =
      List.of(
          "endpoint",
          "tls",
          "kubeconfig",
          "namespaces",
          "labels",
          "namespace_labels",
          "pods",
          "endpoint_pod_names",
          "ttl",
          "noendpoints",
          "fallthrough",
          "ignore",
          "startup_timeout",
          "apiserver_qps",
          "apiserver_burst",
          "apiserver_max_inflight",
          "upstream",
          "resyncperiod",
          "offline",
          "multicluster");

  @Override
  public String directive() {
    return "kubernetes";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    return new KubernetesPlugin(parse(config, tls -> context.ioLoops().tlsClient(tls, Optional.empty())), context);
  }

  /**
   * Parses and validates the directive; reads the files it names, contacts nothing.
   *
   * @param tlsCheck checks the {@code tls} files' contents; throws {@link IllegalArgumentException}
   *     with a message for the user
   */
  static KubernetesConfig parse(ConfigReader config, Consumer<TlsFiles> tlsCheck) throws ConfigException {
    List<Name> zones = config.remainingZonesOrServerZones();
    Name primary = null;
    for (Name zone : zones) {
      if (!isReverse(zone)) {
        primary = zone;
        break;
      }
    }
    if (primary == null) {
      throw config.error("non-reverse zone name must be used");
    }
    String endpoint = null;
    TlsFiles tls = null;
    Path kubeconfig = null;
    String kubeconfigContext = null;
    Path offline = null;
    Set<String> namespaces = new LinkedHashSet<>();
    LabelSelector labels = null;
    LabelSelector namespaceLabels = null;
    PodMode podMode = PodMode.DISABLED;
    boolean endpointPodNames = false;
    long ttl = KubernetesConfig.DEFAULT_TTL;
    boolean noEndpoints = false;
    Fallthrough fallthrough = Fallthrough.NONE;
    boolean ignoreEmptyService = false;
    Duration startupTimeout = KubernetesConfig.DEFAULT_STARTUP_TIMEOUT;
    double qps = 0;
    int burst = 0;
    int maxInflight = 0;
    List<Name> multiclusterZones = new ArrayList<>();
    while (config.nextOption()) {
      switch (config.option()) {
        case "endpoint" -> {
          List<String> urls = atLeastOne(config, "URL");
          for (String url : urls) {
            check(config, () -> KubernetesClients.checkUrl(url));
          }
          endpoint = urls.get(0);
          if (urls.size() > 1) {
            config.warn("multiple endpoints are deprecated; only " + endpoint + " is used");
          }
        }
        case "tls" -> tls = tls(config, tlsCheck);
        case "kubeconfig" -> {
          Path file = config.nextPath("KUBECONFIG");
          String contextName = config.hasNextArg() ? config.nextArg("CONTEXT") : null;
          config.expectNoMoreArgs();
          check(config, () -> KubernetesClients.checkKubeconfig(file, contextName));
          kubeconfig = file;
          kubeconfigContext = contextName;
        }
        case "namespaces" -> namespaces.addAll(atLeastOne(config, "NAMESPACE"));
        case "labels" -> labels = selector(config, "labels");
        case "namespace_labels" -> namespaceLabels = selector(config, "namespace_labels");
        case "pods" -> {
          String mode = config.nextArg("disabled|insecure|verified");
          config.expectNoMoreArgs();
          podMode = PodMode.parse(mode);
          if (podMode == null) {
            throw config.error(
                "wrong value for pods: " + mode + ", must be one of: disabled, verified, insecure");
          }
        }
        case "endpoint_pod_names" -> {
          config.expectNoMoreArgs();
          endpointPodNames = true;
        }
        case "ttl" -> {
          ttl = config.nextInt("TTL", 0, 3600);
          config.expectNoMoreArgs();
        }
        case "noendpoints" -> {
          config.expectNoMoreArgs();
          noEndpoints = true;
        }
        case "fallthrough" -> fallthrough = fallthrough(config);
        case "ignore" -> {
          String what = config.nextArg("empty_service");
          config.expectNoMoreArgs();
          if (!what.equals("empty_service")) {
            throw config.error("unable to parse ignore value: '" + what + "'");
          }
          ignoreEmptyService = true;
        }
        case "startup_timeout" -> {
          startupTimeout = config.nextDuration("DURATION");
          config.expectNoMoreArgs();
        }
        case "apiserver_qps" -> {
          String text = config.nextArg("QPS");
          config.expectNoMoreArgs();
          qps = nonNegativeDouble(config, "apiserver_qps", text);
        }
        case "apiserver_burst" -> {
          burst = config.nextInt("BURST", 0, Integer.MAX_VALUE);
          config.expectNoMoreArgs();
        }
        case "apiserver_max_inflight" -> {
          maxInflight = config.nextInt("MAX", 0, Integer.MAX_VALUE);
          config.expectNoMoreArgs();
        }
        case "upstream" -> {
          config.remainingArgs();
          config.warn("upstream is deprecated and ignored: ExternalName targets are resolved through this server");
        }
        case "resyncperiod" -> {
          config.remainingArgs();
          config.warn("resyncperiod is deprecated and ignored");
        }
        case "offline" -> {
          offline = config.nextPath("DIR");
          config.expectNoMoreArgs();
          if (!Files.isDirectory(offline)) {
            throw config.error("not a directory: " + offline);
          }
        }
        case "multicluster" -> {
          if (!config.hasNextArg()) {
            // CoreDNS: without zones the option names none.
            config.warn("multicluster without zones: no multicluster zone is set");
          }
          while (config.hasNextArg()) {
            Name zone = config.nextZone("ZONE");
            if (zones.stream().noneMatch(own -> own.subdomain(zone))) {
              throw config.error(
                  "multicluster zone " + zone + " covers no zone of this kubernetes block; add it to its zones");
            }
            if (!multiclusterZones.contains(zone)) {
              multiclusterZones.add(zone);
            }
          }
        }
        default -> throw config.unknownOption(KNOWN_OPTIONS);
      }
    }
    if (!namespaces.isEmpty() && namespaceLabels != null) {
      throw config.error("namespaces and namespace_labels cannot both be set");
    }
    KubernetesConfig.ApiSource source;
    if (offline != null) {
      if (endpoint != null || kubeconfig != null || tls != null) {
        throw config.error("offline reads files instead of an API server: drop endpoint, tls and kubeconfig");
      }
      source = new KubernetesConfig.OfflineDirectory(offline);
    } else {
      source =
          new KubernetesConfig.ApiServer(
              endpoint, tls, kubeconfig, kubeconfigContext, qps, burst, maxInflight);
    }
    return new KubernetesConfig(
        zones,
        primary,
        source,
        namespaces,
        labels,
        namespaceLabels,
        podMode,
        endpointPodNames,
        ttl,
        noEndpoints,
        fallthrough,
        ignoreEmptyService,
        startupTimeout,
        multiclusterZones);
  }

  /**
   * {@code tls CERT KEY CACERT}: the three files CoreDNS takes, readable ({@link
   * ConfigReader#remainingTlsFiles}) and valid ({@code tlsCheck}).
   */
  private static TlsFiles tls(ConfigReader config, Consumer<TlsFiles> tlsCheck) throws ConfigException {
    TlsFiles files = config.remainingTlsFiles();
    if (files.certificate().isEmpty() || files.ca().isEmpty()) {
      int given = (files.certificate().isPresent() ? 2 : 0) + (files.ca().isPresent() ? 1 : 0);
      throw config.error("expected CERT KEY CACERT, got " + given + " file" + (given == 1 ? "" : "s"));
    }
    check(config, () -> tlsCheck.accept(files));
    return files;
  }

  /** Runs {@code check}, turning its {@link IllegalArgumentException} into an error at the current line. */
  private static void check(ConfigReader config, Runnable check) throws ConfigException {
    try {
      check.run();
    } catch (IllegalArgumentException e) {
      throw config.error(e.getMessage());
    }
  }

  static boolean isReverse(Name zone) {
    String text = zone.toString();
    return text.endsWith("in-addr.arpa.") || text.endsWith("ip6.arpa.");
  }

  /** {@code fallthrough [ZONES...]}: no zones means every name. */
  static Fallthrough fallthrough(ConfigReader config) throws ConfigException {
    if (!config.hasNextArg()) {
      return Fallthrough.of(List.of());
    }
    List<Name> zones = new ArrayList<>();
    while (config.hasNextArg()) {
      zones.add(config.nextZone("ZONE"));
    }
    return Fallthrough.of(zones);
  }

  private static List<String> atLeastOne(ConfigReader config, String what) throws ConfigException {
    List<String> args = config.remainingArgs();
    if (args.isEmpty()) {
      throw config.error("expected at least one " + what);
    }
    return args;
  }

  private static LabelSelector selector(ConfigReader config, String option) throws ConfigException {
    String text = String.join(" ", atLeastOne(config, "SELECTOR"));
    try {
      return LabelSelector.parse(text);
    } catch (IllegalArgumentException e) {
      throw config.error("unable to parse " + option + " selector value: '" + text + "': " + e.getMessage());
    }
  }

  private static double nonNegativeDouble(ConfigReader config, String option, String text)
      throws ConfigException {
    try {
      double value = Double.parseDouble(text);
      if (value < 0 || Double.isNaN(value) || Double.isInfinite(value)) {
        throw config.error(option + " must be >= 0");
      }
      return value;
    } catch (NumberFormatException e) {
      throw config.error("invalid " + option + " \"" + text + "\"");
    }
  }
}
