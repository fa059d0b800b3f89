package dev.corvus.dns.plugin.view;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.metadata.MetadataProvider;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import dev.corvus.dns.api.plugin.ViewFilter;
import dev.corvus.dns.plugin.expression.Expression;
import dev.corvus.dns.plugin.expression.ExpressionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code view NAME { expr EXPRESSION... }}: the server block serves only the queries for which
 * every expression is true; blocks with a view may share zones and a port with other blocks,
 * tried in Corefile order (CoreDNS's {@code view}). Publishes {@code view/name}.
 */
@AutoService(PluginFactory.class)
public final class ViewFactory implements PluginFactory {

  /** The view's name and expressions: all must be true for the block to serve a query. */
  record View(String name, List<Expression> expressions) implements ViewFilter, Plugin {

    @Override
    public String viewName() {
      return name;
    }

    @Override
    public boolean accepts(Request request) {
      for (Expression expression : expressions) {
        if (!expression.test(request)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public Optional<ViewFilter> view() {
      return Optional.of(this);
    }

    @Override
    public Optional<MetadataProvider> metadata() {
      return Optional.of((request, sink) -> sink.put("view/name", this::name));
    }
  }

  @Override
  public String directive() {
    return "view";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    String name = config.nextArg("NAME");
    config.expectNoMoreArgs();
    List<Expression> expressions = new ArrayList<>();
    while (config.nextOption()) {
      if (!config.option().equals("expr")) {
        throw config.unknownOption(List.of("expr"));
      }
      // As CoreDNS: the option's words joined with single spaces make the expression.
      String text = String.join(" ", config.remainingArgs());
      if (text.isEmpty()) {
        throw config.error("expr needs an EXPRESSION");
      }
      try {
        expressions.add(Expression.parse(text));
      } catch (ExpressionException e) {
        throw config.error(e.getMessage());
      }
    }
    return new View(name, List.copyOf(expressions));
  }
}
