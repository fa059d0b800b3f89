package dev.corvus.dns.plugin.template;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A resource record written with Go template placeholders, compiled once at configuration time.
 * Only the placeholders CoreDNS documents for {@code template} are understood, without a template
 * engine: {@code {{ .Name }}}, {@code {{ .Zone }}}, {@code {{ .Class }}}, {@code {{ .Type }}},
 * {@code {{ .Message }}}, {@code {{ .Question }}}, {@code {{ .Remote }}}, {@code {{ index .Match
 * N }}} and {@code {{ .Group.NAME }}}.
 *
 * @param source the template as written, for errors and metric labels
 * @param parts literal text and placeholders in order
 */
record RrTemplate(String source, List<Part> parts) {

  private static final Pattern ACTION = Pattern.compile("\\{\\{-?\\s*(.*?)\\s*-?}}");
  private static final Pattern INDEX_MATCH = Pattern.compile("index\\s+\\.Match\\s+(\\d+)");
  private static final Pattern GROUP = Pattern.compile("\\.Group\\.([A-Za-z0-9_]+)");

  /** A placeholder that cannot be filled (e.g. a match index beyond the regex's groups). */
  static final class RenderException extends Exception {
    private static final long serialVersionUID = 1L;

    RenderException(String message) {
      super(message);
    }
  }

  /** One piece of a template. */
  sealed interface Part {
    String render(QueryData data) throws RenderException;
  }

  /** Text copied as is. */
  record Literal(String text) implements Part {
    @Override
    public String render(QueryData data) {
      return text;
    }
  }

  /** {@code .Name}, {@code .Zone}, {@code .Class}, {@code .Type}, {@code .Message}, {@code .Question}, {@code .Remote}. */
  record Field(String name) implements Part {
    @Override
    public String render(QueryData data) {
      return switch (name) {
        case "Name" -> data.name();
        case "Zone" -> data.zone();
        case "Class" -> data.qclass();
        case "Type" -> data.qtype();
        case "Message" -> data.message();
        case "Question" -> data.question();
        default -> data.remote();
      };
    }
  }

  /** {@code index .Match N}: the Nth group of the matching regex, 0 the whole match. */
  record MatchIndex(int index) implements Part {
    @Override
    public String render(QueryData data) throws RenderException {
      if (index >= data.match().size()) {
        throw new RenderException("index out of range: " + index);
      }
      return data.match().get(index);
    }
  }

  /** {@code .Group.NAME}: a named (or numbered) group of the matching regex; empty when absent. */
  record Group(String name) implements Part {
    @Override
    public String render(QueryData data) {
      return data.groups().getOrDefault(name, "");
    }
  }

  /**
   * Compiles {@code source}.
   *
   * @throws IllegalArgumentException naming the placeholder that is not supported
   */
  static RrTemplate compile(String source) {
    List<Part> parts = new ArrayList<>();
    Matcher m = ACTION.matcher(source);
    int last = 0;
    while (m.find()) {
      if (m.start() > last) {
        parts.add(new Literal(source.substring(last, m.start())));
      }
      parts.add(placeholder(m.group(1)));
      last = m.end();
    }
    String rest = source.substring(last);
    if (rest.contains("{{")) {
      throw new IllegalArgumentException("unclosed action in template: " + source);
    }
    if (!rest.isEmpty()) {
      parts.add(new Literal(rest));
    }
    return new RrTemplate(source, List.copyOf(parts));
  }

  private static Part placeholder(String action) {
    switch (action) {
      case ".Name", ".Zone", ".Class", ".Type", ".Message", ".Question", ".Remote" -> {
        return new Field(action.substring(1));
      }
      default -> {
        Matcher index = INDEX_MATCH.matcher(action);
        if (index.matches()) {
          return new MatchIndex(Integer.parseInt(index.group(1)));
        }
        Matcher group = GROUP.matcher(action);
        if (group.matches()) {
          return new Group(group.group(1));
        }
        throw new IllegalArgumentException("unsupported template action {{ " + action + " }}: expected .Name, "
            + ".Zone, .Class, .Type, .Message, .Question, .Remote, index .Match N or .Group.NAME");
      }
    }
  }

  /** The record's text for one query. */
  String render(QueryData data) throws RenderException {
    StringBuilder out = new StringBuilder();
    for (Part part : parts) {
      out.append(part.render(data));
    }
    return out.toString();
  }
}
