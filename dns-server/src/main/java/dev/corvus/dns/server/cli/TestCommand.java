package dev.corvus.dns.server.cli;

import dev.corvus.dns.server.plugin.PluginCatalog;
import dev.corvus.dns.server.plugin.PluginLoadingException;
import dev.corvus.dns.server.suite.JUnitReport;
import dev.corvus.dns.server.suite.SuiteResult;
import dev.corvus.dns.server.suite.SuiteRunner;
import dev.corvus.dns.server.suite.TextReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code corvus test FILE...}: runs the tests of a configuration. Each file is YAML naming a
 * Corefile and the answers it must give; the Corefile is served in this process with nothing
 * bound to public ports and every case's query goes through it as a client's would. Exits 0 when
 * every case passed, 1 when one failed or a configuration did not start, 2 when a test file is
 * malformed (or the command line is wrong). A directory stands for the {@code .yaml} and {@code
 * .yml} files in it.
 */
final class TestCommand {

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> environment;

  TestCommand(PrintStream out, PrintStream err, Map<String, String> environment) {
    this.out = out;
    this.err = err;
    this.environment = environment;
  }

  int run(Arguments arguments, Path pluginDirectory) {
    List<Path> files = new ArrayList<>();
    for (Path named : arguments.all(CommandLine.TEST_FILES)) {
      if (Files.isDirectory(named)) {
        List<Path> inside = yamlFiles(named);
        if (inside == null) {
          return 2;
        }
        if (inside.isEmpty()) {
          err.println("corvus test: " + named + " holds no .yaml or .yml file");
          err.println("usage: " + CommandLine.TEST.usage());
          return 2;
        }
        files.addAll(inside);
      } else {
        files.add(named);
      }
    }
    PluginCatalog catalog;
    try {
      catalog = PluginCatalog.load(pluginDirectory);
    } catch (PluginLoadingException e) {
      err.println(e.getMessage());
      return 1;
    }
    catalog.refused().forEach(err::println);
    SuiteRunner runner = new SuiteRunner(catalog, environment, arguments.get(CommandLine.DNS_PORT),
        arguments.get(CommandLine.READY_TIMEOUT));
    TextReport report = new TextReport(out, err, arguments.get(CommandLine.VERBOSE));
    Instant started = Instant.now();
    List<SuiteResult> results = new ArrayList<>();
    for (Path file : files) {
      SuiteResult result = runner.run(file);
      report.file(result);
      results.add(result);
    }
    report.summary(results);
    int status = status(results);
    Path junit = arguments.get(CommandLine.JUNIT);
    if (junit != null) {
      try {
        JUnitReport.write(junit, results, started);
      } catch (IOException e) {
        err.println("corvus test: cannot write " + junit + ": " + Failures.describe(e));
        return Math.max(status, 1);
      }
    }
    return status;
  }

  /** 2 when a test file is malformed, else 1 when a case failed or a configuration did not start, else 0. */
  static int status(List<SuiteResult> results) {
    if (results.stream().anyMatch(r -> r.outcome() == SuiteResult.Outcome.INVALID)) {
      return 2;
    }
    return results.stream().allMatch(SuiteResult::ok) ? 0 : 1;
  }

  /** The test files in {@code directory}, in name order; {@code null} after reporting that it cannot be read. */
  private List<Path> yamlFiles(Path directory) {
    try (Stream<Path> list = Files.list(directory)) {
      return list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      err.println("corvus test: cannot read " + directory + ": " + Failures.describe(e));
      return null;
    }
  }
}
