package dev.corvus.dns.plugin.template;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.List;

/**
 * A resource record written with Go template placeholders, compiled once at configuration time.
 * Only the placeholders CoreDNS documents for {@code template} are understood, without a template
 * engine: {@code {{ .Name }}}, {@code {{ .Zone }}}, {@code {{ .Class }}}, {@code {{ .Type }}},
 * {@code {{ .Message }}}, {@code {{ .Question }}}, {@code {{ .Remote }}}, {@code {{ index .Match
 * N }}}, {@code {{ .Group.NAME }}}, {@code {{ .Meta "LABEL" }}} and {@code {{ parseInt ARG BASE
 * BITS }}} (ARG a group, a match index in parentheses or a string).
 *
 * @param source the template as written, for errors and metric labels
 * @param parts literal text and placeholders in order
 */
record RrTemplate(String source, List<Part> parts) {

  private static final Pattern ACTION = Pattern.compile("\\{\\{-?\\s*(.*?)\\s*-?}}");
  private static final Pattern INDEX_MATCH = Pattern.compile("index\\s+\\.Match\\s+(\\d+)");
  private static final Pattern GROUP = Pattern.compile("\\.Group\\.([A-Za-z0-9_]+)");
  private static final Pattern META = Pattern.compile("\\.Meta\\s+\"([^\"]*)\"");
  private static final Pattern PARSE_INT = Pattern.compile(
      "parseInt\\s+(\\(index\\s+\\.Match\\s+\\d+\\)|\\.Group\\.[A-Za-z0-9_]+|\"[^\"]*\")\\s+(\\d+)\\s+(\\d+)");

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

  /** {@code .Meta "LABEL"}: a metadata value published for the query, empty when there is none. */
  record Meta(String label) implements Part {
    @Override
    public String render(QueryData data) {
      return data.metadata().apply(label);
    }
  }

  /** A string constant, as an argument of a function. */
  record Constant(String text) implements Part {
    @Override
    public String render(QueryData data) {
      return text;
    }
  }

  /**
   * {@code parseInt ARG BASE BITS}: ARG read as an unsigned integer of at most BITS bits in BASE,
   * printed in decimal, as Go's {@code strconv.ParseUint} (base 0: the prefix {@code 0x}, {@code
   * 0o}, {@code 0b} or {@code 0} chooses; underscores are then allowed).
   */
  record ParseInt(Part argument, int base, int bits) implements Part {
    @Override
    public String render(QueryData data) throws RenderException {
      String text = argument.render(data);
      String digits = text;
      int radix = base;
      if (base == 0) {
        digits = text.replace("_", "");
        String lower = digits.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("0x")) {
          radix = 16;
          digits = digits.substring(2);
        } else if (lower.startsWith("0o")) {
          radix = 8;
          digits = digits.substring(2);
        } else if (lower.startsWith("0b")) {
          radix = 2;
          digits = digits.substring(2);
        } else if (lower.length() > 1 && lower.startsWith("0")) {
          radix = 8;
          digits = digits.substring(1);
        } else {
          radix = 10;
        }
      }
      long value;
      try {
        if (digits.isEmpty() || digits.startsWith("+") || digits.startsWith("-")) {
          throw new NumberFormatException();
        }
        value = Long.parseUnsignedLong(digits, radix);
      } catch (NumberFormatException e) {
        throw new RenderException("error calling parseInt: strconv.ParseUint: parsing \"" + text + "\": invalid syntax");
      }
      if (bits < 64 && Long.compareUnsigned(value, (1L << bits) - 1) > 0) {
        throw new RenderException("error calling parseInt: strconv.ParseUint: parsing \"" + text + "\": value out of range");
      }
      return Long.toUnsignedString(value);
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
        Matcher meta = META.matcher(action);
        if (meta.matches()) {
          return new Meta(meta.group(1));
        }
        Matcher parseInt = PARSE_INT.matcher(action);
        if (parseInt.matches()) {
          int base = Integer.parseInt(parseInt.group(2));
          int bits = Integer.parseInt(parseInt.group(3));
          if (base == 1 || base > 36) {
            throw new IllegalArgumentException("parseInt: invalid base " + base);
          }
          if (bits > 64) {
            throw new IllegalArgumentException("parseInt: invalid bit size " + bits);
          }
          String arg = parseInt.group(1);
          Part argument = arg.startsWith("\"") ? new Constant(arg.substring(1, arg.length() - 1))
              : placeholder(arg.startsWith("(") ? arg.substring(1, arg.length() - 1) : arg);
          return new ParseInt(argument, base, bits == 0 ? 64 : bits);
        }
        throw new IllegalArgumentException("unsupported template action {{ " + action + " }}: expected .Name, "
            + ".Zone, .Class, .Type, .Message, .Question, .Remote, index .Match N, .Group.NAME, .Meta \"LABEL\" "
            + "or parseInt ARG BASE BITS");
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
