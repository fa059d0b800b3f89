package dev.corvus.dns.plugin.dnstap;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The {@code dnstap} directive, as CoreDNS's {@code plugin/dnstap/setup.go} reads it:
 * {@code dnstap SOCKET|unix://SOCKET|tcp://HOST:PORT [full] [WRITEBUFFER] [QUEUE]} with
 * {@code identity}, {@code version} and {@code extra} in its block. CoreDNS's {@code tls://}
 * endpoints and {@code listen} mode are rejected with a message saying so.
 */
@AutoService(PluginFactory.class)
public final class DnstapFactory implements PluginFactory {

  static final int MAX_WRITE_BUFFER_MIB = 1024;
  static final int MAX_QUEUE_MULTIPLE = 4096;
  static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);

  @Override
  public String directive() {
    return "dnstap";
  }

  /** As in CoreDNS, several taps may log one block's traffic. */
  @Override
  public boolean repeatable() {
    return true;
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    DnstapConfig parsed = parse(config);
    FrameStreamWriter writer = new FrameStreamWriter(parsed, new DnstapMetrics(context.metrics()), RECONNECT_DELAY);
    return new DnstapPlugin(new DnstapHandler(parsed, writer, context.clock()), writer);
  }

  static DnstapConfig parse(ConfigReader config) throws ConfigException {
    String target = config.nextArg("SOCKET");
    if (target.equals("listen")) {
      throw config.error("listen mode (collectors connecting to Corvus) is not supported; give the collector's SOCKET or tcp:// address");
    }
    DnstapConfig.Endpoint endpoint = endpoint(config, target);
    boolean full = false;
    int writeBufferMib = 1;
    int queueMultiple = 1;
    if (config.hasNextArg()) {
      String second = config.nextArg("full");
      if (!second.equals("full")) {
        throw config.error("expected full, got " + second);
      }
      full = true;
    }
    if (config.hasNextArg()) {
      writeBufferMib = config.nextInt("WRITEBUFFER (MiB)", 1, MAX_WRITE_BUFFER_MIB);
    }
    if (config.hasNextArg()) {
      queueMultiple = config.nextInt("QUEUE (x10000 messages)", 1, MAX_QUEUE_MULTIPLE);
    }
    config.expectNoMoreArgs();
    byte[] identity = hostname().getBytes(StandardCharsets.UTF_8);
    byte[] version = ("Corvus-" + version()).getBytes(StandardCharsets.UTF_8);
    ExtraTemplate extra = null;
    while (config.nextOption()) {
      switch (config.option()) {
        case "identity" -> {
          identity = config.nextArg("IDENTITY").getBytes(StandardCharsets.UTF_8);
          config.expectNoMoreArgs();
        }
        case "version" -> {
          version = config.nextArg("VERSION").getBytes(StandardCharsets.UTF_8);
          config.expectNoMoreArgs();
        }
        case "extra" -> {
          extra = ExtraTemplate.parse(config.nextArg("EXTRA"));
          config.expectNoMoreArgs();
        }
        case "skipverify", "tls" ->
            throw config.error("TLS endpoints are not supported; use a unix socket or tcp://");
        default -> throw config.unknownOption(List.of("identity", "version", "extra"));
      }
    }
    return new DnstapConfig(
        endpoint,
        full,
        writeBufferMib * 1024 * 1024,
        queueMultiple * DnstapConfig.QUEUE_UNIT,
        identity,
        version,
        extra);
  }

  private static DnstapConfig.Endpoint endpoint(ConfigReader config, String target) throws ConfigException {
    if (target.startsWith("tls://")) {
      throw config.error("tls:// endpoints are not supported; use a unix socket or tcp://");
    }
    if (target.startsWith("tcp://")) {
      try {
        URI uri = new URI(target);
        if (uri.getHost() == null || uri.getPort() < 1) {
          throw config.error("expected tcp://HOST:PORT, got " + target);
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
          host = host.substring(1, host.length() - 1);
        }
        return new DnstapConfig.Tcp(host, uri.getPort());
      } catch (URISyntaxException e) {
        throw config.error("expected tcp://HOST:PORT, got " + target);
      }
    }
    String path = target.startsWith("unix://") ? target.substring("unix://".length()) : target;
    if (path.isEmpty() || path.contains("://")) {
      throw config.error("expected a socket path, unix://PATH or tcp://HOST:PORT, got " + target);
    }
    return new DnstapConfig.UnixSocket(Path.of(path));
  }

  /** CoreDNS's default version field, {@code CoreDNS-1.x.y}, the Corvus way. */
  private static String version() {
    String version = DnstapFactory.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  /** CoreDNS's default identity: the host name. */
  private static String hostname() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
