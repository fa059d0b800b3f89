package dev.corvus.dns.plugin.auto;

import com.google.auto.service.AutoService;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.corvus.dns.api.capability.ZoneSource;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import dev.corvus.dns.plugin.file.FileZones;
import dev.corvus.dns.plugin.file.ZoneTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * {@code auto [ZONES...] { directory DIR [REGEXP ORIGIN_TEMPLATE]; reload DURATION }}: one zone per
 * file of a directory, added, reloaded and removed as the files change (CoreDNS's <i>auto</i>).
 */
@AutoService(PluginFactory.class)
public final class AutoFactory implements PluginFactory {

  private static final List<String> KNOWN_OPTIONS = List.of("directory", "reload");
  private static final Pattern GROUP_REFERENCE = Pattern.compile("\\{(\\d+)}");
  /** CoreDNS refuses longer expressions. */
  static final int MAX_REGEXP = 10_000;

  @Override
  public String directive() {
    return "auto";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    AutoConfig parsed = parse(config);
    ZoneTable table = new ZoneTable();
    FileZones source = new FileZones(table);
    context.services().export(ZoneSource.class, source);
    return new AutoPlugin(parsed, table, source, context);
  }

  static AutoConfig parse(ConfigReader config) throws ConfigException {
    List<Name> zones = config.remainingZonesOrServerZones();
    Path directory = null;
    Pattern pattern = AutoConfig.DEFAULT_PATTERN;
    String template = AutoConfig.DEFAULT_TEMPLATE;
    Duration reload = AutoConfig.DEFAULT_RELOAD;
    while (config.nextOption()) {
      switch (config.option()) {
        case "directory" -> {
          directory = config.nextPath("DIR");
          if (!Files.isDirectory(directory)) {
            throw config.error("unable to access root path '" + directory + "': not a readable directory");
          }
          if (config.hasNextArg()) {
            String regexp = config.nextArg("REGEXP");
            if (regexp.length() > MAX_REGEXP) {
              throw config.error("regexp too large");
            }
            try {
              pattern = Pattern.compile(regexp);
            } catch (PatternSyntaxException e) {
              throw config.error("invalid REGEXP \"" + regexp + "\": " + e.getMessage());
            }
            if (pattern.groupCount() < 1) {
              throw config.error("need at least one sub expression in \"" + regexp + "\"");
            }
            template = config.nextArg("ORIGIN_TEMPLATE");
            Matcher references = GROUP_REFERENCE.matcher(template);
            while (references.find()) {
              if (Integer.parseInt(references.group(1)) > pattern.groupCount()) {
                throw config.error("ORIGIN_TEMPLATE \"" + template + "\" names group " + references.group(1)
                    + ", REGEXP has " + pattern.groupCount());
              }
            }
          }
          config.expectNoMoreArgs();
        }
        case "reload" -> {
          reload = config.nextDuration("reload");
          if (reload.isNegative()) {
            throw config.error("reload must not be negative, got " + reload);
          }
        }
        default -> throw config.unknownOption(KNOWN_OPTIONS);
      }
    }
    if (directory == null) {
      throw config.error("'directory DIR' is required");
    }
    return new AutoConfig(zones, directory, pattern, template, reload);
  }

  /** The origin {@code template} names for a file name matched by {@code matcher}. */
  static String expand(String template, Matcher matcher) {
    Matcher references = GROUP_REFERENCE.matcher(template);
    StringBuilder out = new StringBuilder();
    while (references.find()) {
      String group = matcher.group(Integer.parseInt(references.group(1)));
      references.appendReplacement(out, Matcher.quoteReplacement(group == null ? "" : group));
    }
    references.appendTail(out);
    return out.toString();
  }
}
