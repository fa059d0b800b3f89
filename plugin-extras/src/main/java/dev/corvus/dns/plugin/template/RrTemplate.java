package dev.corvus.dns.plugin.template;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import dev.corvus.dns.plugin.expression.Expression;
import java.util.ArrayList;
import java.util.List;

/**
 * A resource record written with Go template placeholders, compiled once at configuration time.
 * Only the placeholders CoreDNS documents for {@code template} are understood, without a template
 * engine: {@code {{ .Name }}}, {@code {{ .Zone }}}, {@code {{ .Class }}}, {@code {{ .Type }}},
 * {@code {{ .Message }}}, {@code {{ .Question }}}, {@code {{ .Remote }}}, {@code {{ index .Match
 * N }}}, {@code {{ .Group.NAME }}}, {@code {{ .Meta "LABEL" }}}, {@code {{ parseInt ARG BASE
 * BITS }}} (ARG a group, a match index in parentheses or a string), the {@code var}s as {@code {{
 * .Var.NAME }}} and {@code {{ len .Var }}}, {@code {{ eq A B }}}, and {@code {{ if A }}...{{ else
 * }}...{{ end }}}.
 *
 * @param source the template as written, for errors and metric labels
 * @param parts literal text and placeholders in order
 */
record RrTemplate(String source, List<Part> parts) {

  private static final Pattern ACTION = Pattern.compile("\\{\\{-?\\s*(.*?)\\s*-?}}");
  private static final Pattern INDEX_MATCH = Pattern.compile("index\\s+\\.Match\\s+(\\d+)");
  private static final Pattern GROUP = Pattern.compile("\\.Group\\.([A-Za-z0-9_]+)");
  private static final Pattern VAR = Pattern.compile("\\.Var\\.([A-Za-z_][A-Za-z0-9_]*)");
  private static final Pattern EQ = Pattern.compile("eq\\s+(\"[^\"]*\"|\\S+)\\s+(\"[^\"]*\"|\\S+)");
  private static final Pattern IF = Pattern.compile("if\\s+(.+)");
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

  /** {@code .Var.NAME}: a variable's value as Go prints it; {@code <no value>} when not declared. */
  record Var(String name) implements Part {
    @Override
    public String render(QueryData data) {
      return data.vars().containsKey(name) ? Expression.format(data.vars().get(name)) : "<no value>";
    }

    /** Go's truth of the value: false, 0, "", nil and empty arrays are false. */
    boolean truth(QueryData data) {
      Object value = data.vars().get(name);
      if (value instanceof Boolean b) {
        return b;
      }
      if (value instanceof Number n) {
        return n.doubleValue() != 0;
      }
      if (value instanceof String text) {
        return !text.isEmpty();
      }
      if (value instanceof List<?> list) {
        return !list.isEmpty();
      }
      return value != null;
    }
  }

  /** {@code len .Var}: how many variables the template declares. */
  record VarCount() implements Part {
    @Override
    public String render(QueryData data) {
      return Integer.toString(data.vars().size());
    }
  }

  /** {@code eq A B}: {@code true} when both print the same. */
  record Equals(Part left, Part right) implements Part {
    @Override
    public String render(QueryData data) throws RenderException {
      return Boolean.toString(left.render(data).equals(right.render(data)));
    }
  }

  /** {@code if A}...{@code else}...{@code end}: A's truth as Go's (a variable's value, else non-empty text). */
  record Conditional(Part condition, List<Part> then, List<Part> otherwise) implements Part {
    @Override
    public String render(QueryData data) throws RenderException {
      boolean truth = condition instanceof Var variable ? variable.truth(data)
          : !condition.render(data).isEmpty() && !condition.render(data).equals("false");
      StringBuilder out = new StringBuilder();
      for (Part part : truth ? then : otherwise) {
        out.append(part.render(data));
      }
      return out.toString();
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
    // the open {{ if }}s: their condition, their branches so far, and which branch is being read
    java.util.Deque<Object[]> open = new java.util.ArrayDeque<>();
    List<Part> target = parts;
    Matcher m = ACTION.matcher(source);
    int last = 0;
    while (m.find()) {
      if (m.start() > last) {
        target.add(new Literal(source.substring(last, m.start())));
      }
      String action = m.group(1);
      Matcher condition = IF.matcher(action);
      if (condition.matches()) {
        List<Part> then = new ArrayList<>();
        open.push(new Object[] {argument(condition.group(1).strip()), then, null, target});
        target = then;
      } else if (action.equals("else")) {
        if (open.isEmpty() || open.peek()[2] != null) {
          throw new IllegalArgumentException("unexpected {{ else }} in template: " + source);
        }
        List<Part> otherwise = new ArrayList<>();
        open.peek()[2] = otherwise;
        target = otherwise;
      } else if (action.equals("end")) {
        if (open.isEmpty()) {
          throw new IllegalArgumentException("unexpected {{ end }} in template: " + source);
        }
        Object[] done = open.pop();
        @SuppressWarnings("unchecked")
        List<Part> then = (List<Part>) done[1];
        @SuppressWarnings("unchecked")
        List<Part> otherwise = done[2] == null ? List.of() : (List<Part>) done[2];
        @SuppressWarnings("unchecked")
        List<Part> outer = (List<Part>) done[3];
        outer.add(new Conditional((Part) done[0], List.copyOf(then), List.copyOf(otherwise)));
        target = outer;
      } else {
        target.add(placeholder(action));
      }
      last = m.end();
    }
    String rest = source.substring(last);
    if (rest.contains("{{")) {
      throw new IllegalArgumentException("unclosed action in template: " + source);
    }
    if (!open.isEmpty()) {
      throw new IllegalArgumentException("unexpected EOF: {{ if }} without {{ end }} in template: " + source);
    }
    if (!rest.isEmpty()) {
      target.add(new Literal(rest));
    }
    return new RrTemplate(source, List.copyOf(parts));
  }

  /** An argument of eq or if: a string constant or a placeholder. */
  private static Part argument(String text) {
    return text.startsWith("\"") && text.endsWith("\"") && text.length() >= 2
        ? new Constant(text.substring(1, text.length() - 1)) : placeholder(text);
  }

  private static Part placeholder(String action) {
    switch (action) {
      case ".Name", ".Zone", ".Class", ".Type", ".Message", ".Question", ".Remote" -> {
        return new Field(action.substring(1));
      }
      case "len .Var" -> {
        return new VarCount();
      }
      default -> {
        Matcher variable = VAR.matcher(action);
        if (variable.matches()) {
          return new Var(variable.group(1));
        }
        Matcher eq = EQ.matcher(action);
        if (eq.matches()) {
          return new Equals(argument(eq.group(1)), argument(eq.group(2)));
        }
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
            + "parseInt ARG BASE BITS, .Var.NAME, len .Var, eq A B or if A ... else ... end");
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
