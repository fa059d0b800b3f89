package dev.corvus.dns.server.cli;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.config.CorefileCheck;
import dev.corvus.dns.server.config.OfflineServices;
import dev.corvus.dns.server.config.RuntimeServices;
import dev.corvus.dns.server.plugin.LoadedFactory;
import dev.corvus.dns.server.plugin.PluginCatalog;
import dev.corvus.dns.server.plugin.PluginLoadingException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The {@code corvus} command: {@code corvus [-conf FILE] [-dns.port N]} serves, {@code corvus
 * check -conf FILE} validates, {@code corvus plugins} lists the directives, {@code corvus
 * doctor} checks a configuration's environment, {@code corvus test} runs a configuration's
 * tests, {@code corvus query}, {@code explain} and {@code
 * inspect} ask a running server.
 */
public final class Main {

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> environment;
  private final ClientSettings clients;

  Main(PrintStream out, PrintStream err, Map<String, String> environment) {
    this(out, err, environment, ClientSettings.SYSTEM);
  }

  Main(PrintStream out, PrintStream err, Map<String, String> environment, ClientSettings clients) {
    this.out = out;
    this.err = err;
    this.environment = environment;
    this.clients = clients;
  }

  /** Runs the command line and exits with its status (serving returns only on shutdown). */
  public static void main(String[] args) {
    int status = new Main(System.out, System.err, System.getenv()).run(args);
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Runs a command line: 0 on success, 1 on a failure, 2 on a usage error (with the subcommand's
   * usage), and {@code query}'s 9 when no usable answer arrives. Every failure is one line on
   * {@code err}, never a stack trace.
   */
  int run(String[] args) {
    CommandSyntax syntax = CommandLine.subcommand(args);
    try {
      CommandLine.Invocation invocation = CommandLine.parse(args);
      return run(invocation.syntax(), invocation.arguments());
    } catch (UsageException e) {
      err.println(e.syntax().prefix() + e.getMessage());
      err.println(usage(e.syntax()));
      return 2;
    } catch (RuntimeException e) {
      // The last resort: each command reports its own failures; this keeps a missed one to one line.
      err.println(syntax.prefix() + "internal error: " + Failures.message(e));
      return 1;
    }
  }

  private int run(CommandSyntax syntax, Arguments arguments) {
    if (arguments.helpRequested()) {
      out.println(usage(syntax));
      return 0;
    }
    if (arguments.get(CommandLine.VERSION)) {
      out.println("Corvus " + version());
      return 0;
    }
    Path plugins = arguments.get(CommandLine.PLUGIN_DIRECTORY);
    if (plugins != null && !Files.isDirectory(plugins)) {
      err.println(syntax.prefix() + "cannot read the plugins directory " + plugins + ": "
          + (Files.exists(plugins) ? "not a directory" : "no such directory"));
      return 1;
    }
    return switch (syntax.name()) {
      case "check" -> check(arguments);
      case "plugins" -> plugins(arguments);
      case "doctor" -> doctor(arguments);
      case "test" -> new TestCommand(out, err, environment).run(arguments, pluginDirectory(arguments));
      case "query" -> new QueryCommand(out, err, clients).run(arguments);
      case "explain" -> new AdminCommand(out, err, clients).explain(arguments);
      case "inspect" -> new AdminCommand(out, err, clients).inspect(arguments);
      default -> serve(arguments);
    };
  }

  /** The full usage when serving (no subcommand was named), else the subcommand's line. */
  private static String usage(CommandSyntax syntax) {
    return syntax == CommandLine.SERVE ? CommandLine.usage() : "usage: " + syntax.usage();
  }

  /** {@code -plugins DIR}, else the distribution's {@code plugins/} (bin/corvus sets corvus.home). */
  private static Path pluginDirectory(Arguments arguments) {
    if (arguments.has(CommandLine.PLUGIN_DIRECTORY)) {
      return arguments.get(CommandLine.PLUGIN_DIRECTORY);
    }
    String home = System.getProperty("corvus.home");
    return home == null ? null : Path.of(home, "plugins");
  }

  private int serve(Arguments arguments) {
    Corvus.Builder builder = Corvus.builder()
        .compactHeapWhenReady(true)
        .dnsPort(arguments.get(CommandLine.DNS_PORT))
        .pluginDirectory(pluginDirectory(arguments))
        .environment(environment);
    Path conf = arguments.get(CommandLine.CONF);
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
    } catch (FileSystemException e) {
      err.println("corvus: cannot read " + e.getFile() + ": " + Failures.describe(e));
      return 1;
    } catch (IOException e) {
      err.println("corvus: cannot start: " + Failures.describe(e));
      return 1;
    } catch (RuntimeException e) {
      err.println("corvus: cannot start: " + Failures.message(e));
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

  private int check(Arguments arguments) {
    Path conf = arguments.get(CommandLine.CONF);
    CorefileCheck.Result result;
    try {
      result = CorefileCheck.check(conf, pluginDirectory(arguments), environment,
          arguments.get(CommandLine.DNS_PORT));
    } catch (IOException e) {
      err.println("corvus check: cannot read " + conf + ": " + Failures.describe(e));
      return 1;
    }
    result.errors().forEach(err::println);
    result.refusedPlugins().forEach(err::println);
    if (!result.valid()) {
      return 1;
    }
    out.println(conf + ": OK (" + result.serverBlocks() + " server block"
        + (result.serverBlocks() == 1 ? "" : "s") + ")");
    return 0;
  }

  private int doctor(Arguments arguments) {
    return offline(arguments, (catalog, services) -> new DoctorCommand(out, err, environment)
        .run(arguments.get(CommandLine.CONF), arguments.get(CommandLine.DNS_PORT), catalog, services,
            arguments.get(CommandLine.TIMEOUT)));
  }

  /** A command that builds a configuration without serving it. */
  @FunctionalInterface
  private interface OfflineCommand {
    int run(PluginCatalog catalog, RuntimeServices services);
  }

  /** Runs {@code command} with the plugin catalog and services that bind, reload and schedule nothing. */
  private int offline(Arguments arguments, OfflineCommand command) {
    PluginCatalog catalog;
    try {
      catalog = PluginCatalog.load(pluginDirectory(arguments));
    } catch (PluginLoadingException e) {
      err.println(e.getMessage());
      return 1;
    }
    ScheduledExecutorService idle = Executors.newSingleThreadScheduledExecutor();
    try {
      return command.run(catalog, OfflineServices.create(idle));
    } finally {
      idle.shutdownNow();
    }
  }

  private int plugins(Arguments arguments) {
    PluginCatalog catalog;
    try {
      catalog = PluginCatalog.load(pluginDirectory(arguments));
    } catch (PluginLoadingException e) {
      err.println(e.getMessage());
      return 1;
    }
    out.printf("%-5s %-16s %-20s %-16s %-14s %s%n", "ORDER", "DIRECTIVE", "PLACEMENT", "VERSION",
        "CAPABILITIES", "ORIGIN");
    for (LoadedFactory loaded : catalog.inChainOrder()) {
      String capabilities = loaded.factory().capabilities().stream().map(Class::getSimpleName).sorted()
          .reduce((a, b) -> a + "," + b).orElse("-");
      out.printf("%-5d %-16s %-20s %-16s %-14s %s%n", catalog.order().rank(loaded.directive()),
          loaded.directive(), loaded.factory().placement(), loaded.origin().version(), capabilities,
          loaded.origin().location());
    }
    catalog.listeners().forEach((scheme, listener) -> out.printf("listener %s:// from %s (%s)%n",
        scheme.prefix(), listener.origin().location(), listener.origin().version()));
    catalog.refused().forEach(err::println);
    return catalog.refused().isEmpty() ? 0 : 1;
  }

  static String version() {
    String version = Main.class.getPackage().getImplementationVersion();
    return version == null ? "development build" : version;
  }
}
