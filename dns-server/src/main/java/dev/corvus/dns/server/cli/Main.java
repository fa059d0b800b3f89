package dev.corvus.dns.server.cli;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.metrics.Metrics;
import dev.corvus.dns.api.plugin.HttpEndpoints;
import dev.corvus.dns.api.plugin.ServerControl;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.config.ConfigurationBuilder;
import dev.corvus.dns.server.config.RuntimeServices;
import dev.corvus.dns.server.corefile.Corefile;
import dev.corvus.dns.server.lifecycle.CorefileSource;
import dev.corvus.dns.server.metrics.PrometheusMetrics;
import dev.corvus.dns.server.plugin.LoadedFactory;
import dev.corvus.dns.server.plugin.PluginCatalog;
import dev.corvus.dns.server.plugin.PluginLoadingException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The {@code corvus} command: {@code corvus [-conf FILE] [-dns.port N]} serves, {@code corvus
 * check -conf FILE} validates, {@code corvus plugins} lists the directives, {@code corvus
 * doctor} checks a configuration's environment, {@code corvus query}, {@code explain} and {@code
 * inspect} ask a running server.
 */
public final class Main {

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> environment;

  Main(PrintStream out, PrintStream err, Map<String, String> environment) {
    this.out = out;
    this.err = err;
    this.environment = environment;
  }

  /** Runs the command line and exits with its status (serving returns only on shutdown). */
  public static void main(String[] args) {
    int status = new Main(System.out, System.err, System.getenv()).run(args);
    if (status != 0) {
      System.exit(status);
    }
  }

  int run(String[] args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("corvus: " + e.getMessage());
      err.println(Options.USAGE);
      return 2;
    }
    return switch (options.command()) {
      case "help" -> {
        out.println(Options.USAGE);
        yield 0;
      }
      case "version" -> {
        out.println("Corvus " + version());
        yield 0;
      }
      case "check" -> check(options);
      case "query" -> new QueryCommand(out, err).run(options.rest());
      case "explain" -> new AdminCommand(out, err).explain(options.rest());
      case "inspect" -> new AdminCommand(out, err).inspect(options.rest());
      case "doctor" -> doctor(options);
      case "plugins" -> plugins(options);
      default -> serve(options);
    };
  }

  private int serve(Options options) {
    Corvus.Builder builder = Corvus.builder()
        .compactHeapWhenReady(true)
        .dnsPort(options.dnsPort())
        .pluginDirectory(options.pluginDirectory())
        .environment(environment);
    Path conf = options.conf();
    if (conf == null && Files.isRegularFile(Path.of("Corefile"))) {
      conf = Path.of("Corefile");
    }
    if (conf != null) {
      builder.corefile(conf);
    } else {
      builder.corefile(Corvus.DEFAULT_COREFILE);
    }
    Corvus server;
    try {
      server = builder.start();
    } catch (ConfigException e) {
      err.println(e.getMessage());
      return 1;
    } catch (IOException | RuntimeException e) {
      err.println("corvus: cannot start: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "corvus-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private int check(Options options) {
    return offline("check", options, (catalog, services) -> {
      Corefile corefile;
      CorefileSource source = CorefileSource.ofFile(options.conf());
      try {
        corefile = source.parse(environment, options.dnsPort());
      } catch (ConfigException e) {
        err.println(e.getMessage());
        return 1;
      } catch (IOException e) {
        err.println("corvus check: cannot read " + options.conf() + ": " + e.getMessage());
        return 1;
      }
      List<ConfigException> errors =
          new ConfigurationBuilder(catalog, services).check(corefile, source.baseDirectory()).errors();
      errors.forEach(e -> err.println(e.getMessage()));
      catalog.refused().forEach(err::println);
      if (!errors.isEmpty()) {
        return 1;
      }
      out.println(options.conf() + ": OK (" + corefile.blocks().size() + " server block"
          + (corefile.blocks().size() == 1 ? "" : "s") + ")");
      return 0;
    });
  }

  private int doctor(Options options) {
    return offline("doctor", options, (catalog, services) -> new DoctorCommand(out, err, environment)
        .run(options.conf(), options.dnsPort(), catalog, services, options.timeout()));
  }

  /** A command that builds a configuration without serving it. */
  @FunctionalInterface
  private interface OfflineCommand {
    int run(PluginCatalog catalog, RuntimeServices services);
  }

  /** Runs {@code command} with the plugin catalog and services that bind, reload and schedule nothing. */
  private int offline(String name, Options options, OfflineCommand command) {
    if (options.conf() == null) {
      err.println("corvus " + name + ": -conf FILE is required");
      return 2;
    }
    PluginCatalog catalog;
    try {
      catalog = PluginCatalog.load(options.pluginDirectory());
    } catch (PluginLoadingException e) {
      err.println(e.getMessage());
      return 1;
    }
    ScheduledExecutorService idle = Executors.newSingleThreadScheduledExecutor();
    try {
      return command.run(catalog, inertServices(idle));
    } finally {
      idle.shutdownNow();
    }
  }

  /** Services for validation only: creating plugins must not bind, reload or schedule. */
  private static RuntimeServices inertServices(ScheduledExecutorService idle) {
    Metrics metrics = new PrometheusMetrics();
    HttpEndpoints http = (address, path, route) -> {
      throw new IllegalStateException("corvus check binds no port");
    };
    ServerControl control = new InertServerControl();
    return new RuntimeServices(metrics, http, control, idle, Clock.systemUTC(), () -> false);
  }

  private int plugins(Options options) {
    PluginCatalog catalog;
    try {
      catalog = PluginCatalog.load(options.pluginDirectory());
    } catch (PluginLoadingException e) {
      err.println(e.getMessage());
      return 1;
    }
    out.printf("%-5s %-16s %-20s %-16s %s%n", "ORDER", "DIRECTIVE", "PLACEMENT", "VERSION", "ORIGIN");
    for (LoadedFactory loaded : catalog.inChainOrder()) {
      out.printf("%-5d %-16s %-20s %-16s %s%n", catalog.order().rank(loaded.directive()),
          loaded.directive(), loaded.factory().placement(), loaded.origin().version(),
          loaded.origin().location());
    }
    catalog.refused().forEach(err::println);
    return catalog.refused().isEmpty() ? 0 : 1;
  }

  static String version() {
    String version = Main.class.getPackage().getImplementationVersion();
    return version == null ? "development build" : version;
  }
}
