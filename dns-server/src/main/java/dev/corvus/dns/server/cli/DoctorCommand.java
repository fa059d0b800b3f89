package dev.corvus.dns.server.cli;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.plugin.SelfCheck;
import dev.corvus.dns.api.plugin.SelfCheck.Finding;
import dev.corvus.dns.api.plugin.SelfCheck.Severity;
import dev.corvus.dns.server.config.ConfigurationBuilder;
import dev.corvus.dns.server.config.ConfiguredPlugin;
import dev.corvus.dns.server.config.RuntimeServices;
import dev.corvus.dns.server.config.ServerConfiguration;
import dev.corvus.dns.server.corefile.Corefile;
import dev.corvus.dns.server.lifecycle.CorefileSource;
import dev.corvus.dns.server.plugin.PluginCatalog;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code corvus doctor -conf FILE}: builds the configuration without serving it and runs every
 * plugin's {@link SelfCheck} (forwarding loops, upstream reachability, Kubernetes API access and
 * RBAC), printing one line per finding; exits 1 when any finding is a problem.
 */
final class DoctorCommand {

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> environment;
  private int problems;
  private int warnings;

  DoctorCommand(PrintStream out, PrintStream err, Map<String, String> environment) {
    this.out = out;
    this.err = err;
    this.environment = environment;
  }

  int run(Path conf, int dnsPort, PluginCatalog catalog, RuntimeServices services, Duration timeout) {
    List<Finding> findings = new ArrayList<>();
    CorefileSource source = CorefileSource.ofFile(conf);
    ServerConfiguration configuration = null;
    try {
      Corefile corefile = source.parse(environment, dnsPort);
      ConfigurationBuilder.Checked checked =
          new ConfigurationBuilder(catalog, services).check(corefile, source.baseDirectory());
      configuration = checked.configuration().orElse(null);
      if (checked.errors().isEmpty()) {
        findings.add(Finding.ok(conf.toString(), "valid, " + corefile.blocks().size() + " server block"
            + (corefile.blocks().size() == 1 ? "" : "s")));
      } else {
        checked.errors().forEach(e -> findings.add(Finding.problem("Corefile", e.getMessage())));
      }
    } catch (ConfigException e) {
      findings.add(Finding.problem("Corefile", e.getMessage()));
    } catch (IOException e) {
      findings.add(Finding.problem(conf.toString(), "cannot read: " + Failures.describe(e)));
    }
    catalog.refused().forEach(line -> findings.add(Finding.warning("plugins", line)));
    print(findings);
    if (configuration != null) {
      for (ConfiguredPlugin plugin : configuration.plugins()) {
        if (plugin.plugin() instanceof SelfCheck check) {
          print(run(plugin, check, timeout));
        }
      }
    }
    return summarise();
  }

  private List<Finding> run(ConfiguredPlugin plugin, SelfCheck check, Duration timeout) {
    String file = plugin.location().file();
    String where = file.substring(file.lastIndexOf('/') + 1) + ":" + plugin.location().line() + " " + plugin.directive();
    List<Finding> findings = new ArrayList<>();
    try {
      for (Finding finding : check.check(timeout)) {
        findings.add(new Finding(finding.severity(), where + ": " + finding.subject(), finding.detail()));
      }
    } catch (RuntimeException e) {
      findings.add(Finding.problem(where, "the check itself failed: " + Failures.message(e)));
    }
    return findings;
  }

  private void print(List<Finding> findings) {
    for (Finding finding : findings) {
      out.printf(Locale.ROOT, "%-8s %s: %s%n", finding.severity(), finding.subject(), finding.detail());
      if (finding.severity() == Severity.PROBLEM) {
        problems++;
      } else if (finding.severity() == Severity.WARNING) {
        warnings++;
      }
    }
  }

  private int summarise() {
    String summary = problems + " problem" + (problems == 1 ? "" : "s") + ", " + warnings + " warning"
        + (warnings == 1 ? "" : "s");
    out.println(problems == 0 ? "no problems found (" + summary + ")" : summary);
    return problems == 0 ? 0 : 1;
  }
}
