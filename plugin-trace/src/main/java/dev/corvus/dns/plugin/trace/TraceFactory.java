package dev.corvus.dns.plugin.trace;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * The {@code trace} directive, read as CoreDNS's {@code plugin/trace/setup.go} reads it:
 * {@code trace [ENDPOINT-TYPE] [ENDPOINT]} with {@code every}, {@code service},
 * {@code client_server} and the Zipkin reporter's batch options. Besides CoreDNS's {@code zipkin}
 * Corvus offers {@code otlp}; {@code datadog} is rejected. This class only parses: OpenTelemetry's
 * classes are loaded when a configuration with {@code trace} is created, never otherwise.
 */
@AutoService(PluginFactory.class)
public final class TraceFactory implements PluginFactory {

  static final String ZIPKIN_DEFAULT = "localhost:9411";
  static final String OTLP_DEFAULT = "localhost:4318";

  @Override
  public String directive() {
    return "trace";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    return new TracePlugin(parse(config));
  }

  static TraceConfig parse(ConfigReader config) throws ConfigException {
    List<String> args = config.remainingArgs();
    TraceConfig.Exporter exporter = TraceConfig.Exporter.ZIPKIN;
    String endpoint = "";
    switch (args.size()) {
      case 0 -> {}
      case 1 -> endpoint = args.get(0);
      case 2 -> {
        exporter = exporter(config, args.get(0).toLowerCase(Locale.ROOT));
        endpoint = args.get(1);
      }
      default -> throw config.error("expected [ENDPOINT-TYPE] [ENDPOINT], got " + args.size() + " arguments");
    }
    URI uri = endpoint(config, exporter, endpoint);
    long every = 1;
    String service = "coredns";
    boolean clientServer = false;
    int backlog = TraceConfig.DEFAULT_BACKLOG;
    int batch = TraceConfig.DEFAULT_BATCH;
    java.time.Duration interval = TraceConfig.DEFAULT_INTERVAL;
    while (config.nextOption()) {
      switch (config.option()) {
        case "every" -> {
          String value = config.nextArg("AMOUNT");
          try {
            every = Long.parseUnsignedLong(value);
          } catch (NumberFormatException e) {
            throw config.error("expected a non-negative integer, got " + value);
          }
          config.expectNoMoreArgs();
        }
        case "service" -> {
          service = config.nextArg("NAME");
          config.expectNoMoreArgs();
        }
        case "client_server" -> {
          clientServer = true;
          if (config.hasNextArg()) {
            String value = config.nextArg("true|false");
            if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
              throw config.error("expected true or false, got " + value);
            }
            clientServer = Boolean.parseBoolean(value);
          }
          config.expectNoMoreArgs();
        }
        case "datadog_analytics_rate" ->
            throw config.error("Corvus does not export to Datadog; use zipkin or otlp");
        case "zipkin_max_backlog_size" -> {
          backlog = config.nextInt("SIZE", 1, Integer.MAX_VALUE);
          config.expectNoMoreArgs();
        }
        case "zipkin_max_batch_size" -> {
          batch = config.nextInt("SIZE", 1, Integer.MAX_VALUE);
          config.expectNoMoreArgs();
        }
        case "zipkin_max_batch_interval" -> {
          interval = config.nextDuration("DURATION");
          config.expectNoMoreArgs();
        }
        default -> throw config.unknownOption(
            List.of("every", "service", "client_server", "zipkin_max_backlog_size", "zipkin_max_batch_size",
                "zipkin_max_batch_interval"));
      }
    }
    if (batch > backlog) {
      // The OpenTelemetry batch processor needs the batch to fit in the queue.
      batch = backlog;
    }
    return new TraceConfig(exporter, uri, every, service, clientServer, backlog, batch, interval);
  }

  private static TraceConfig.Exporter exporter(ConfigReader config, String type) throws ConfigException {
    return switch (type) {
      case "zipkin" -> TraceConfig.Exporter.ZIPKIN;
      case "otlp" -> TraceConfig.Exporter.OTLP;
      case "datadog" -> throw config.error("tracing endpoint type 'datadog' is not supported by Corvus; use zipkin or otlp");
      default -> throw config.error("tracing endpoint type '" + type + "' is not supported; use zipkin or otlp");
    };
  }

  /**
   * CoreDNS: a Zipkin endpoint without {@code http} in it becomes {@code http://ENDPOINT/api/v2/spans};
   * an OTLP one likewise becomes {@code http://ENDPOINT/v1/traces}.
   */
  private static URI endpoint(ConfigReader config, TraceConfig.Exporter exporter, String endpoint)
      throws ConfigException {
    boolean zipkin = exporter == TraceConfig.Exporter.ZIPKIN;
    String given = endpoint.isEmpty() ? (zipkin ? ZIPKIN_DEFAULT : OTLP_DEFAULT) : endpoint;
    String url = given.contains("http") ? given : "http://" + given + (zipkin ? "/api/v2/spans" : "/v1/traces");
    try {
      URI uri = new URI(url);
      if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
        throw config.error("expected an http(s) URL or HOST:PORT, got " + endpoint);
      }
      return uri;
    } catch (URISyntaxException e) {
      throw config.error("expected an http(s) URL or HOST:PORT, got " + endpoint);
    }
  }
}
