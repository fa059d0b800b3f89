package dev.corvus.dns.plugin.template;

import dev.corvus.dns.api.Fallthrough;
import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.metrics.Metrics;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import dev.corvus.dns.plugin.expression.Expression;
import dev.corvus.dns.plugin.expression.ExpressionException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * {@code template CLASS TYPE [ZONE...] { match REGEX...; var NAME EXPRESSION; expr EXPRESSION;
 * answer RR...; additional RR...; authority RR...; rcode CODE; ederror CODE [REASON]; fallthrough
 * [ZONE...] }}. Expressions are checked (names, argument counts, types) while the Corefile is read. Repeatable: each occurrence is one
 * template, tried in Corefile order.
 */
@AutoService(PluginFactory.class)
public final class TemplateFactory implements PluginFactory {

  private static final List<String> KNOWN_OPTIONS =
      List.of("match", "var", "expr", "answer", "additional", "authority", "rcode", "ederror", "fallthrough");
  private static final String[] LABELS = {"server", "zone", "view", "class", "type"};
  private static final String[] FAILURE_LABELS = {"server", "zone", "view", "class", "type", "section", "template"};

  @Override
  public String directive() {
    return "template";
  }

  @Override
  public boolean repeatable() {
    return true;
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    String classText = config.nextArg("CLASS");
    int qclass = DClass.value(classText);
    if (qclass < 0) {
      throw config.error("invalid query class " + classText);
    }
    String typeText = config.nextArg("TYPE");
    int qtype = Type.value(typeText);
    if (qtype < 0) {
      throw config.error("invalid RR type " + typeText);
    }
    List<Name> zones = config.remainingZonesOrServerZones();
    List<NamePattern> regexes = new ArrayList<>();
    List<RrTemplate> answer = new ArrayList<>();
    List<RrTemplate> additional = new ArrayList<>();
    List<RrTemplate> authority = new ArrayList<>();
    int rcode = Rcode.NOERROR;
    Fallthrough fallthrough = Fallthrough.NONE;
    TemplateConfig.ExtendedError extendedError = null;
    List<TemplateConfig.Variable> variables = new ArrayList<>();
    List<Expression> conditions = new ArrayList<>();
    Expression.Declarations declarations = Expression.Declarations.template();
    while (config.nextOption()) {
      switch (config.option()) {
        case "match" -> {
          List<String> args = atLeastOne(config);
          for (String regex : args) {
            try {
              regexes.add(NamePattern.compile(regex));
            } catch (IllegalArgumentException e) {
              throw config.error(e.getMessage());
            }
          }
        }
        case "var" -> {
          List<String> args = config.remainingArgs();
          if (args.size() < 2) {
            throw config.error("expected var NAME EXPRESSION");
          }
          String name = args.get(0);
          try {
            Expression value = Expression.parse(String.join(" ", args.subList(1, args.size())), declarations);
            declarations = declarations.declare(name, value);
            variables.add(new TemplateConfig.Variable(name, value));
          } catch (ExpressionException e) {
            throw config.error("could not compile expression of var " + name + ": " + e.getMessage());
          }
        }
        case "expr" -> {
          List<String> args = atLeastOne(config);
          try {
            conditions.add(Expression.parse(String.join(" ", args), declarations));
          } catch (ExpressionException e) {
            throw config.error("could not compile expression: " + e.getMessage());
          }
        }
        case "answer" -> templates(config, answer);
        case "additional" -> templates(config, additional);
        case "authority" -> templates(config, authority);
        case "rcode" -> {
          String text = config.nextArg("rcode");
          rcode = Rcode.value(text);
          if (rcode < 0) {
            throw config.error("unknown rcode " + text);
          }
        }
        case "ederror" -> {
          List<String> args = config.remainingArgs();
          if (args.size() != 1 && args.size() != 2) {
            throw config.error("expected EXTENDED_ERROR_CODE [EXTRA_REASON]");
          }
          int code;
          try {
            code = Integer.parseInt(args.get(0));
            if (code < 0 || code > 0xffff || args.get(0).startsWith("+")) {
              throw new NumberFormatException();
            }
          } catch (NumberFormatException e) {
            throw config.error("error parsing extended DNS error code " + args.get(0) + ": expected 0-65535 (RFC 8914)");
          }
          extendedError = new TemplateConfig.ExtendedError(code, args.size() == 2 ? args.get(1) : "");
        }
        case "fallthrough" -> {
          List<Name> through = new ArrayList<>();
          while (config.hasNextArg()) {
            through.add(config.nextZone("fallthrough zone"));
          }
          fallthrough = new Fallthrough(true, through);
        }
        case "upstream" -> {
          config.remainingArgs();
          config.warn("upstream is deprecated and has no effect");
        }
        default -> throw config.unknownOption(KNOWN_OPTIONS);
      }
    }
    if (regexes.isEmpty()) {
      regexes.add(NamePattern.ANY);
    }
    TemplateConfig template = new TemplateConfig(
        qclass, qtype, zones, regexes, answer, additional, authority, rcode, fallthrough, extendedError, variables,
        conditions);
    Metrics metrics = context.metrics();
    Counter matches = metrics.counter("coredns_template_matches_total",
        "Counter of template regex matches.", LABELS);
    Counter templateFailures = metrics.counter("coredns_template_template_failures_total",
        "Counter of go template failures.", FAILURE_LABELS);
    Counter rrFailures = metrics.counter("coredns_template_rr_failures_total",
        "Counter of mis-templated RRs.", FAILURE_LABELS);
    return Plugin.of(new TemplateHandler(template, context.serverLabel(), matches, templateFailures, rrFailures,
        context.resolver()));
  }

  private static List<String> atLeastOne(ConfigReader config) throws ConfigException {
    List<String> args = config.remainingArgs();
    if (args.isEmpty()) {
      throw config.error("expected at least one argument");
    }
    return args;
  }

  /**
   * Compiles the templates of one line. A template without placeholders is also parsed as a
   * record here, so a typo in a static record fails the configuration rather than every query.
   */
  private static void templates(ConfigReader config, List<RrTemplate> into) throws ConfigException {
    for (String text : atLeastOne(config)) {
      RrTemplate template;
      try {
        template = RrTemplate.compile(text);
      } catch (IllegalArgumentException e) {
        throw config.error("could not compile template: " + e.getMessage());
      }
      if (template.parts().stream().allMatch(p -> p instanceof RrTemplate.Literal)) {
        try {
          TemplateHandler.parseRecord(text);
        } catch (IOException e) {
          throw config.error("\"" + text + "\" is not a resource record: " + e.getMessage());
        }
      }
      into.add(template);
    }
  }
}
