package dev.corvus.dns.plugin.expression;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.net.Cidr;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Type;

/**
 * An expression over a query, in the part of expr-lang that CoreDNS's {@code view} documents and
 * its {@code plugin/pkg/expression} environment offers: string ({@code '...'}, {@code "..."}),
 * integer, float, {@code true}/{@code false}/{@code nil} and array ({@code ['A', 'AAAA']})
 * literals; the functions {@code bufsize() class() client_ip() do() id() name() opcode() port()
 * proto() server_ip() server_port() size() type() incidr(ip, cidr) metadata(label)}; of expr-lang's
 * built-ins {@code replace(s, old, new) lower upper trim hasPrefix hasSuffix int string len} and
 * {@code any all none one(array, predicate)} with {@code #}, the element, in the predicate; in a
 * {@code template}, CoreDNS's {@code group(name|index)} and the variables declared before (see
 * {@link Declarations}); the operators {@code == != < <= > >=},
 * {@code in}, {@code not in}, {@code matches} (an RE2 regular expression, found anywhere in the
 * string, as Go's {@code regexp.MatchString}), {@code contains startsWith endsWith}, {@code + - *
 * / %}, {@code and or not} (also {@code && || !}) and parentheses, with expr-lang's precedence.
 *
 * <p>Parsing checks names, argument counts and operand types as expr-lang's compiler does, so a
 * mistake is reported when the Corefile is read. Evaluation never throws: an expression that
 * fails at run time ({@code incidr('invalid', ...)}) evaluates to {@code false} through {@link
 * #test}, as CoreDNS's view treats an error.
 */
public final class Expression {

  /** Value types known while parsing; {@code ANY} where only evaluation tells. */
  private enum Kind { STRING, INT, FLOAT, BOOL, NIL, ARRAY, ANY }

  /** A parsed node: its static kind and how to evaluate it. */
  private interface Node {
    Kind kind();

    Object eval(Request request, Bindings bindings);
  }

  private record Const(Kind kind, Object value) implements Node {
    @Override
    public Object eval(Request request, Bindings bindings) {
      return value;
    }
  }

  /** A node whose value depends on the query: {@code body} is given the request and the bindings. */
  @FunctionalInterface
  private interface Body {
    Object apply(Request request, Bindings bindings);
  }

  private record Call(Kind kind, Body body) implements Node {
    @Override
    public Object eval(Request request, Bindings bindings) {
      return body.apply(request, bindings);
    }
  }

  /**
   * The values an expression of a {@code template} sees besides the query: the groups of the
   * regex that matched ({@code group()}) and the variables declared before it, set in order as
   * they are evaluated. One per query; not shared between threads.
   */
  public static final class Bindings {
    private final List<String> match;
    private final Map<String, String> groups;
    private final Object[] values;
    private Object element;

    /**
     * @param match the regex's groups by number, 0 the whole match
     * @param groups the groups by name, and by number as strings
     * @param variables how many variables the template declares
     */
    public Bindings(List<String> match, Map<String, String> groups, int variables) {
      this.match = match;
      this.groups = groups;
      this.values = new Object[variables];
    }

    private Bindings(Bindings outer) {
      this.match = outer == null ? List.of() : outer.match;
      this.groups = outer == null ? Map.of() : outer.groups;
      this.values = outer == null ? new Object[0] : outer.values;
    }

    /** Sets the variable declared {@code index}-th to {@code value}. */
    public void set(int index, Object value) {
      values[index] = value;
    }

    private String group(Object key) {
      if (key instanceof Long index) {
        String value = groups.get(Long.toString(index));
        return value == null ? "" : value;
      }
      String value = groups.get((String) key);
      return value == null ? "" : value;
    }
  }

  /**
   * The names an expression may use besides the query functions: the variables a {@code
   * template} declared before it (in order) and, in a template, {@code group()}. Immutable.
   */
  public static final class Declarations {
    private static final Declarations QUERY = new Declarations(false, List.of(), List.of());
    private static final Declarations TEMPLATE = new Declarations(true, List.of(), List.of());

    private final boolean groups;
    private final List<String> names;
    private final List<Kind> kinds;

    private Declarations(boolean groups, List<String> names, List<Kind> kinds) {
      this.groups = groups;
      this.names = names;
      this.kinds = kinds;
    }

    /** The query functions only, as {@code view} has them. */
    public static Declarations query() {
      return QUERY;
    }

    /** The query functions and {@code group()}, for a {@code template}'s {@code var} and {@code expr}. */
    public static Declarations template() {
      return TEMPLATE;
    }

    /**
     * These declarations and a variable {@code name} holding the value of {@code value}, whose
     * type it takes.
     *
     * @throws ExpressionException when the name is not an identifier, is a function, a built-in
     *     or a keyword of the language, or is declared already
     */
    public Declarations declare(String name, Expression value) throws ExpressionException {
      if (!name.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
        throw new ExpressionException("invalid variable name \"" + name + "\"");
      }
      if (FUNCTIONS.containsKey(name) || name.equals("group") || RESERVED.contains(name) || names.contains(name)) {
        throw new ExpressionException("variable name \"" + name + "\" is reserved");
      }
      List<String> moreNames = new ArrayList<>(names);
      moreNames.add(name);
      List<Kind> moreKinds = new ArrayList<>(kinds);
      moreKinds.add(value.root.kind());
      return new Declarations(groups, List.copyOf(moreNames), List.copyOf(moreKinds));
    }

    /** How many variables are declared. */
    public int variables() {
      return names.size();
    }
  }

  /**
   * Names a variable may not take: expr-lang's keywords and literals and its built-in functions
   * (CoreDNS rejects them, as it rejects the names of its functions).
   */
  private static final java.util.Set<String> RESERVED = java.util.Set.of(
      "true", "false", "nil", "let", "if", "else", "in", "not", "and", "or", "matches", "contains", "startsWith",
      "endsWith", "all", "none", "any", "one", "filter", "map", "find", "findIndex", "findLast", "findLastIndex",
      "count", "sum", "groupBy", "sortBy", "reduce", "len", "abs", "ceil", "floor", "round", "int", "float",
      "string", "trim", "trimPrefix", "trimSuffix", "upper", "lower", "split", "splitAfter", "replace", "repeat",
      "indexOf", "lastIndexOf", "hasPrefix", "hasSuffix", "max", "min", "mean", "median", "toJSON", "fromJSON",
      "toBase64", "fromBase64", "now", "duration", "date", "timezone", "first", "last", "get", "take", "keys",
      "values", "toPairs", "fromPairs", "sort", "concat", "flatten", "uniq", "join", "reverse", "bitand", "bitor",
      "bitxor", "bitnand", "bitnot", "bitshl", "bitshr", "bitushr", "type");

  /** A function of the environment: its result kind, parameter kinds and body. */
  private record Builtin(Kind result, List<Kind> parameters, Invoker invoker) {}

  @FunctionalInterface
  private interface Invoker {
    Object invoke(Request request, Object[] args);
  }

  /** An evaluation error; never leaves {@link #test}. */
  private static final class EvaluationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EvaluationException(String message) {
      super(message, null, false, false);
    }
  }

  private static final Map<String, Builtin> FUNCTIONS = Map.ofEntries(
      Map.entry("bufsize", new Builtin(Kind.INT, List.of(), (r, a) -> (long) bufsize(r))),
      Map.entry("class", new Builtin(Kind.STRING, List.of(), (r, a) -> DClass.string(r.qclass()))),
      Map.entry("client_ip", new Builtin(Kind.STRING, List.of(), (r, a) -> r.client().getAddress().getHostAddress())),
      Map.entry("do", new Builtin(Kind.BOOL, List.of(), (r, a) -> r.dnssecOk())),
      Map.entry("id", new Builtin(Kind.INT, List.of(), (r, a) -> (long) r.id())),
      Map.entry("name", new Builtin(Kind.STRING, List.of(), (r, a) -> r.lowerName())),
      Map.entry("opcode", new Builtin(Kind.INT, List.of(), (r, a) -> (long) r.message().getHeader().getOpcode())),
      Map.entry("port", new Builtin(Kind.STRING, List.of(), (r, a) -> Integer.toString(r.client().getPort()))),
      Map.entry("proto", new Builtin(Kind.STRING, List.of(), (r, a) -> r.transport().protocolLabel())),
      Map.entry("server_ip", new Builtin(Kind.STRING, List.of(),
          (r, a) -> r.localAddress().getAddress().getHostAddress())),
      Map.entry("server_port", new Builtin(Kind.STRING, List.of(),
          (r, a) -> Integer.toString(r.localAddress().getPort()))),
      Map.entry("size", new Builtin(Kind.INT, List.of(), (r, a) -> (long) size(r))),
      Map.entry("type", new Builtin(Kind.STRING, List.of(), (r, a) -> Type.string(r.qtype()))),
      Map.entry("incidr", new Builtin(Kind.BOOL, List.of(Kind.STRING, Kind.STRING), (r, a) -> incidr(a[0], a[1]))),
      Map.entry("metadata", new Builtin(Kind.STRING, List.of(Kind.STRING),
          (r, a) -> r.context().metadata((String) a[0]).orElse(""))),
      // expr-lang's built-ins that templates use
      Map.entry("replace", new Builtin(Kind.STRING, List.of(Kind.STRING, Kind.STRING, Kind.STRING),
          (r, a) -> ((String) a[0]).replace((String) a[1], (String) a[2]))),
      Map.entry("lower", new Builtin(Kind.STRING, List.of(Kind.STRING),
          (r, a) -> ((String) a[0]).toLowerCase(java.util.Locale.ROOT))),
      Map.entry("upper", new Builtin(Kind.STRING, List.of(Kind.STRING),
          (r, a) -> ((String) a[0]).toUpperCase(java.util.Locale.ROOT))),
      Map.entry("trim", new Builtin(Kind.STRING, List.of(Kind.STRING), (r, a) -> ((String) a[0]).strip())),
      Map.entry("hasPrefix", new Builtin(Kind.BOOL, List.of(Kind.STRING, Kind.STRING),
          (r, a) -> ((String) a[0]).startsWith((String) a[1]))),
      Map.entry("hasSuffix", new Builtin(Kind.BOOL, List.of(Kind.STRING, Kind.STRING),
          (r, a) -> ((String) a[0]).endsWith((String) a[1]))),
      Map.entry("int", new Builtin(Kind.INT, List.of(Kind.ANY), (r, a) -> toInt(a[0]))),
      Map.entry("string", new Builtin(Kind.STRING, List.of(Kind.ANY), (r, a) -> format(a[0]))),
      Map.entry("len", new Builtin(Kind.INT, List.of(Kind.ANY), (r, a) -> length(a[0]))));

  /** {@code any}, {@code all}, {@code none}, {@code one}: an array and a predicate over its elements, {@code #}. */
  private static final List<String> PREDICATES = List.of("any", "all", "none", "one");

  private final String text;
  private final Node root;

  private Expression(String text, Node root) {
    this.text = text;
    this.root = root;
  }

  /**
   * Parses and checks {@code text}.
   *
   * @throws ExpressionException with the column and what is wrong
   */
  public static Expression parse(String text) throws ExpressionException {
    return parse(text, Declarations.query());
  }

  /**
   * Parses and checks {@code text}, which may use the variables and functions {@code
   * declarations} name.
   *
   * @throws ExpressionException with the column and what is wrong
   */
  public static Expression parse(String text, Declarations declarations) throws ExpressionException {
    Parser parser = new Parser(text, declarations);
    Node root = parser.parseOr();
    parser.expectEnd();
    return new Expression(text, root);
  }

  /** The expression as written. */
  public String text() {
    return text;
  }

  /** Whether the expression's static type is boolean (anything else can only test false). */
  public boolean isBoolean() {
    return root.kind() == Kind.BOOL || root.kind() == Kind.ANY;
  }

  /**
   * Whether the expression is true for {@code request}: an error while evaluating it, or a
   * result other than {@code true}, is false (CoreDNS's view).
   */
  public boolean test(Request request) {
    try {
      return Boolean.TRUE.equals(root.eval(request, null));
    } catch (EvaluationException | ClassCastException e) {
      return false;
    }
  }

  /**
   * The expression's value for {@code request}: a {@code String}, {@code Long}, {@code Double},
   * {@code Boolean}, {@code List} or {@code null}.
   *
   * @throws IllegalArgumentException when evaluation fails (e.g. {@code incidr} on a non-address)
   */
  public Object evaluate(Request request) {
    return evaluate(request, null);
  }

  /**
   * The expression's value for {@code request} with the groups and variables of {@code
   * bindings} (those it was declared with): a {@code String}, {@code Long}, {@code Double}, {@code
   * Boolean}, {@code List} or {@code null}.
   *
   * @throws IllegalArgumentException when evaluation fails (e.g. {@code incidr} on a non-address)
   */
  public Object evaluate(Request request, Bindings bindings) {
    try {
      return root.eval(request, bindings);
    } catch (EvaluationException | ClassCastException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  /**
   * A value as Go's {@code fmt} prints it ({@code %v}), as a template shows a variable: integers
   * in decimal, floats in their shortest form, {@code true}/{@code false}, arrays as {@code [a b]}.
   */
  public static String format(Object value) {
    if (value == null) {
      return "<nil>";
    }
    if (value instanceof Double d) {
      if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e21) {
        return Long.toString(d.longValue());
      }
      return d.toString();
    }
    if (value instanceof List<?> list) {
      StringBuilder out = new StringBuilder("[");
      for (int i = 0; i < list.size(); i++) {
        out.append(i == 0 ? "" : " ").append(format(list.get(i)));
      }
      return out.append(']').toString();
    }
    return value.toString();
  }

  @Override
  public String toString() {
    return text;
  }

  // ---- the functions -------------------------------------------------------------------------

  /** CoreDNS's {@code request.Size}: 65535 over TCP, else the EDNS0 size, at least 512. */
  private static int bufsize(Request request) {
    return request.transport().isDatagram() ? request.udpPayloadSize() : 65535;
  }

  /** CoreDNS's {@code request.Len}: the query's size on the wire. */
  private static int size(Request request) {
    int received = request.message().numBytes();
    // a message made in memory (a test's, or one a plugin rewrote) has no received size
    return received > 0 ? received : request.message().toWire().length;
  }

  private static boolean incidr(Object ip, Object cidr) {
    InetAddress address = literalAddress((String) ip);
    if (address == null) {
      throw new EvaluationException("first argument is not an IP address");
    }
    Cidr network;
    try {
      network = Cidr.parse((String) cidr);
    } catch (IllegalArgumentException e) {
      throw new EvaluationException("invalid CIDR address: " + cidr);
    }
    return network.contains(address);
  }

  /** An IP address written as one (never a host name to resolve), or {@code null}. */
  private static InetAddress literalAddress(String text) {
    if (text.isEmpty() || !(text.indexOf(':') >= 0 || text.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
      return null;
    }
    try {
      Cidr host = Cidr.parseHostOrNetwork(text);
      return text.contains("/") ? null : host.network();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** expr-lang's {@code int()}: a number truncated, a string parsed as a decimal integer. */
  private static long toInt(Object value) {
    if (value instanceof Number n) {
      return n.longValue();
    }
    if (value instanceof String s) {
      try {
        return Long.parseLong(s.strip());
      } catch (NumberFormatException e) {
        throw new EvaluationException("invalid operation: int(" + s + ")");
      }
    }
    throw new EvaluationException("invalid argument for int: " + value);
  }

  /** expr-lang's {@code len()}: of a string (in runes) or an array. */
  private static long length(Object value) {
    if (value instanceof String s) {
      return s.codePointCount(0, s.length());
    }
    if (value instanceof List<?> list) {
      return list.size();
    }
    throw new EvaluationException("invalid argument for len: " + value);
  }

  // ---- values --------------------------------------------------------------------------------

  private static boolean isNumber(Kind kind) {
    return kind == Kind.INT || kind == Kind.FLOAT;
  }

  private static boolean valuesEqual(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return (x instanceof Long && y instanceof Long) ? x.longValue() == y.longValue()
          : x.doubleValue() == y.doubleValue();
    }
    return Objects.equals(a, b);
  }

  private static String kindName(Kind kind) {
    return switch (kind) {
      case STRING -> "string";
      case INT -> "int";
      case FLOAT -> "float64";
      case BOOL -> "bool";
      case NIL -> "nil";
      case ARRAY -> "array";
      case ANY -> "interface {}";
    };
  }

  // ---- the parser ----------------------------------------------------------------------------

  private enum TokenType { STRING, INT, FLOAT, IDENT, OPERATOR, END }

  private record Token(TokenType type, String text, Object value, int column) {}

  /** A recursive-descent parser with expr-lang's precedence: or, and, comparison, +, *, unary. */
  private static final class Parser {
    private final String source;
    private final List<Token> tokens;
    private final Declarations declarations;
    private int position;
    private int predicates;

    Parser(String source, Declarations declarations) throws ExpressionException {
      this.source = source;
      this.tokens = tokenize(source);
      this.declarations = declarations;
    }

    private Token peek() {
      return tokens.get(position);
    }

    private Token peekAt(int offset) {
      return tokens.get(Math.min(position + offset, tokens.size() - 1));
    }

    private boolean at(String text) {
      Token token = peek();
      return (token.type() == TokenType.OPERATOR || token.type() == TokenType.IDENT) && token.text().equals(text);
    }

    private Token next() {
      return tokens.get(position++);
    }

    private ExpressionException error(Token token, String message) {
      return new ExpressionException(message + " (column " + token.column() + " of '" + source + "')");
    }

    void expectEnd() throws ExpressionException {
      Token token = peek();
      if (token.type() != TokenType.END) {
        throw error(token, "unexpected token '" + token.text() + "'");
      }
    }

    private void expect(String text) throws ExpressionException {
      Token token = peek();
      if (!at(text)) {
        throw error(token, token.type() == TokenType.END ? "unexpected end of expression, expected '" + text + "'"
            : "unexpected token '" + token.text() + "', expected '" + text + "'");
      }
      position++;
    }

    Node parseOr() throws ExpressionException {
      Node left = parseAnd();
      while (at("or") || at("||")) {
        Token op = next();
        Node right = parseAnd();
        left = logical(op, left, right, false);
      }
      return left;
    }

    private Node parseAnd() throws ExpressionException {
      Node left = parseComparison();
      while (at("and") || at("&&")) {
        Token op = next();
        Node right = parseComparison();
        left = logical(op, left, right, true);
      }
      return left;
    }

    private Node logical(Token op, Node left, Node right, boolean and) throws ExpressionException {
      requireBool(op, left, right);
      return new Call(Kind.BOOL, (r, b) -> {
        boolean first = Boolean.TRUE.equals(asBool(left.eval(r, b)));
        if (and ? !first : first) {
          return first;
        }
        return asBool(right.eval(r, b));
      });
    }

    private void requireBool(Token op, Node... operands) throws ExpressionException {
      for (Node operand : operands) {
        if (operand.kind() != Kind.BOOL && operand.kind() != Kind.ANY) {
          throw error(op, "invalid operation: " + op.text() + " (mismatched types "
              + kindName(operands[0].kind()) + (operands.length > 1 ? " and " + kindName(operands[1].kind()) : "") + ")");
        }
      }
    }

    private static final List<String> COMPARISONS =
        List.of("==", "!=", "<", "<=", ">", ">=", "in", "matches", "contains", "startsWith", "endsWith");

    private Node parseComparison() throws ExpressionException {
      Node left = parseAdditive();
      while (true) {
        Token op = peek();
        boolean negated = false;
        if (at("not") && peekAt(1).text().equals("in") && peekAt(1).type() == TokenType.IDENT) {
          next();
          negated = true;
        } else if (!(op.type() != TokenType.STRING && COMPARISONS.contains(op.text()))) {
          return left;
        }
        Token operator = next();
        Node right = parseAdditive();
        Node compared = comparison(operator, left, right);
        left = negated ? new Call(Kind.BOOL, (r, b) -> !Boolean.TRUE.equals(compared.eval(r, b))) : compared;
      }
    }

    private Node comparison(Token op, Node left, Node right) throws ExpressionException {
      Kind l = left.kind();
      Kind r = right.kind();
      boolean known = l != Kind.ANY && r != Kind.ANY && l != Kind.NIL && r != Kind.NIL;
      switch (op.text()) {
        case "==", "!=" -> {
          if (known && l != r && !(isNumber(l) && isNumber(r))) {
            throw mismatched(op, l, r);
          }
          boolean equal = op.text().equals("==");
          return new Call(Kind.BOOL, (q, b) -> valuesEqual(left.eval(q, b), right.eval(q, b)) == equal);
        }
        case "<", "<=", ">", ">=" -> {
          if (known && !(isNumber(l) && isNumber(r)) && !(l == Kind.STRING && r == Kind.STRING)) {
            throw mismatched(op, l, r);
          }
          String text = op.text();
          return new Call(Kind.BOOL, (q, b) -> order(text, left.eval(q, b), right.eval(q, b)));
        }
        case "in" -> {
          if (r != Kind.ARRAY && r != Kind.ANY) {
            throw mismatched(op, l, r);
          }
          return new Call(Kind.BOOL, (q, b) -> {
            Object needle = left.eval(q, b);
            Object haystack = right.eval(q, b);
            if (!(haystack instanceof List<?> list)) {
              throw new EvaluationException("in needs an array");
            }
            for (Object element : list) {
              if (valuesEqual(needle, element)) {
                return true;
              }
            }
            return false;
          });
        }
        case "matches" -> {
          requireStrings(op, l, r);
          if (right instanceof Const constant && constant.value() instanceof String pattern) {
            Pattern compiled = compile(op, pattern);
            return new Call(Kind.BOOL, (q, b) -> compiled.matcher(asString(left.eval(q, b))).find());
          }
          return new Call(Kind.BOOL, (q, b) -> {
            try {
              return Pattern.compile(asString(right.eval(q, b))).matcher(asString(left.eval(q, b))).find();
            } catch (PatternSyntaxException e) {
              throw new EvaluationException(e.getMessage());
            }
          });
        }
        case "contains" -> {
          requireStrings(op, l, r);
          return new Call(Kind.BOOL, (q, b) -> asString(left.eval(q, b)).contains(asString(right.eval(q, b))));
        }
        case "startsWith" -> {
          requireStrings(op, l, r);
          return new Call(Kind.BOOL, (q, b) -> asString(left.eval(q, b)).startsWith(asString(right.eval(q, b))));
        }
        default -> {
          requireStrings(op, l, r);
          return new Call(Kind.BOOL, (q, b) -> asString(left.eval(q, b)).endsWith(asString(right.eval(q, b))));
        }
      }
    }

    private Pattern compile(Token op, String pattern) throws ExpressionException {
      try {
        return Pattern.compile(pattern);
      } catch (PatternSyntaxException e) {
        throw error(op, "invalid regular expression '" + pattern + "': " + e.getMessage());
      }
    }

    private void requireStrings(Token op, Kind l, Kind r) throws ExpressionException {
      if ((l != Kind.STRING && l != Kind.ANY) || (r != Kind.STRING && r != Kind.ANY)) {
        throw mismatched(op, l, r);
      }
    }

    private ExpressionException mismatched(Token op, Kind l, Kind r) {
      return error(op, "invalid operation: " + op.text() + " (mismatched types " + kindName(l) + " and "
          + kindName(r) + ")");
    }

    private Node parseAdditive() throws ExpressionException {
      Node left = parseMultiplicative();
      while (at("+") || at("-")) {
        Token op = next();
        Node right = parseMultiplicative();
        left = arithmetic(op, left, right);
      }
      return left;
    }

    private Node parseMultiplicative() throws ExpressionException {
      Node left = parseUnary();
      while (at("*") || at("/") || at("%")) {
        Token op = next();
        Node right = parseUnary();
        left = arithmetic(op, left, right);
      }
      return left;
    }

    private Node arithmetic(Token op, Node left, Node right) throws ExpressionException {
      Kind l = left.kind();
      Kind r = right.kind();
      String text = op.text();
      if (text.equals("+") && l == Kind.STRING && r == Kind.STRING) {
        return new Call(Kind.STRING, (q, b) -> asString(left.eval(q, b)) + asString(right.eval(q, b)));
      }
      boolean numeric = (isNumber(l) || l == Kind.ANY) && (isNumber(r) || r == Kind.ANY);
      if (!numeric || (text.equals("%") && (l == Kind.FLOAT || r == Kind.FLOAT))) {
        throw mismatched(op, l, r);
      }
      Kind result = text.equals("/") || l == Kind.FLOAT || r == Kind.FLOAT ? Kind.FLOAT
          : l == Kind.ANY || r == Kind.ANY ? Kind.ANY : Kind.INT;
      return new Call(result, (q, b) -> compute(text, left.eval(q, b), right.eval(q, b)));
    }

    private Node parseUnary() throws ExpressionException {
      if (at("not") || at("!")) {
        Token op = next();
        Node operand = parseUnary();
        requireBool(op, operand);
        return new Call(Kind.BOOL, (q, b) -> !Boolean.TRUE.equals(asBool(operand.eval(q, b))));
      }
      if (at("-")) {
        Token op = next();
        Node operand = parseUnary();
        if (!isNumber(operand.kind()) && operand.kind() != Kind.ANY) {
          throw error(op, "invalid operation: - (mismatched type " + kindName(operand.kind()) + ")");
        }
        return new Call(operand.kind(), (q, b) -> compute("-", 0L, operand.eval(q, b)));
      }
      return parsePrimary();
    }

    private Node parsePrimary() throws ExpressionException {
      Token token = next();
      switch (token.type()) {
        case STRING:
          return new Const(Kind.STRING, token.value());
        case INT:
          return new Const(Kind.INT, token.value());
        case FLOAT:
          return new Const(Kind.FLOAT, token.value());
        case END:
          throw error(token, "unexpected end of expression");
        case OPERATOR:
          if (token.text().equals("(")) {
            Node inner = parseOr();
            expect(")");
            return inner;
          }
          if (token.text().equals("[")) {
            return array();
          }
          if (token.text().equals("#")) {
            if (predicates == 0) {
              throw error(token, "# is only allowed in the predicate of any, all, none or one");
            }
            return new Call(Kind.ANY, (q, b) -> b.element);
          }
          throw error(token, "unexpected token '" + token.text() + "'");
        default:
          return identifier(token);
      }
    }

    private Node array() throws ExpressionException {
      List<Node> elements = new ArrayList<>();
      if (!at("]")) {
        do {
          elements.add(parseOr());
        } while (at(",") && next() != null && !at("]"));
      }
      expect("]");
      boolean constant = elements.stream().allMatch(e -> e instanceof Const);
      if (constant) {
        List<Object> values = new ArrayList<>();
        elements.forEach(e -> values.add(((Const) e).value()));
        return new Const(Kind.ARRAY, java.util.Collections.unmodifiableList(values));
      }
      return new Call(Kind.ARRAY, (q, b) -> {
        List<Object> values = new ArrayList<>(elements.size());
        for (Node element : elements) {
          values.add(element.eval(q, b));
        }
        return values;
      });
    }

    private Node identifier(Token token) throws ExpressionException {
      switch (token.text()) {
        case "true":
          return new Const(Kind.BOOL, Boolean.TRUE);
        case "false":
          return new Const(Kind.BOOL, Boolean.FALSE);
        case "nil":
          return new Const(Kind.NIL, null);
        default:
          break;
      }
      String name = token.text();
      int variable = declarations.names.indexOf(name);
      if (variable >= 0) {
        return new Call(declarations.kinds.get(variable), (q, b) -> b.values[variable]);
      }
      if (PREDICATES.contains(name) && at("(")) {
        return predicate(token);
      }
      if (name.equals("group") && declarations.groups && at("(")) {
        return group(token);
      }
      Builtin function = FUNCTIONS.get(name);
      if (function == null) {
        java.util.Set<String> known = new java.util.TreeSet<>(FUNCTIONS.keySet());
        known.addAll(PREDICATES);
        if (declarations.groups) {
          known.add("group");
        }
        throw error(token, "unknown " + (at("(") ? "function " + name + "()" : "name " + name)
            + (declarations.names.isEmpty() ? "" : " (variables: " + String.join(", ", declarations.names) + ")")
            + " (known functions: " + String.join(", ", known) + ")");
      }
      if (!at("(")) {
        throw error(token, name + " is a function: call it as " + name + "()");
      }
      next();
      List<Node> args = new ArrayList<>();
      if (!at(")")) {
        do {
          args.add(parseOr());
        } while (at(",") && next() != null);
      }
      expect(")");
      if (args.size() != function.parameters().size()) {
        throw error(token, (args.size() > function.parameters().size() ? "too many" : "not enough")
            + " arguments to call " + name + " (" + name + "() takes " + function.parameters().size() + ")");
      }
      for (int i = 0; i < args.size(); i++) {
        Kind expected = function.parameters().get(i);
        Kind actual = args.get(i).kind();
        if (expected != Kind.ANY && actual != expected && actual != Kind.ANY) {
          throw error(token, "cannot use " + kindName(actual) + " as argument (type " + kindName(expected)
              + ") to call " + name);
        }
      }
      Node[] nodes = args.toArray(Node[]::new);
      Kind[] parameters = function.parameters().toArray(Kind[]::new);
      Invoker invoker = function.invoker();
      return new Call(function.result(), (q, b) -> {
        Object[] values = new Object[nodes.length];
        for (int i = 0; i < nodes.length; i++) {
          values[i] = nodes[i].eval(q, b);
          if (parameters[i] == Kind.STRING && !(values[i] instanceof String)) {
            throw new EvaluationException(name + " takes strings");
          }
        }
        return invoker.invoke(q, values);
      });
    }

    /** The arguments of a call whose name was read, up to and with the closing parenthesis. */
    private List<Node> arguments() throws ExpressionException {
      expect("(");
      List<Node> args = new ArrayList<>();
      if (!at(")")) {
        do {
          args.add(parseOr());
        } while (at(",") && next() != null);
      }
      expect(")");
      return args;
    }

    /** CoreDNS's {@code group(name)} / {@code group(index)}: a group of the matching regex, "" if none. */
    private Node group(Token token) throws ExpressionException {
      List<Node> args = arguments();
      if (args.size() != 1) {
        throw error(token, (args.size() > 1 ? "too many" : "not enough") + " arguments to call group (group() takes 1)");
      }
      Node key = args.get(0);
      if (key.kind() != Kind.STRING && key.kind() != Kind.INT && key.kind() != Kind.ANY) {
        throw error(token, "cannot use " + kindName(key.kind()) + " as argument (a group's name or index) to call group");
      }
      return new Call(Kind.STRING, (q, b) -> {
        Object value = key.eval(q, b);
        if (!(value instanceof String) && !(value instanceof Long)) {
          return "";
        }
        return b.group(value);
      });
    }

    /**
     * expr-lang's {@code any(array, predicate)} and its siblings: the predicate is an expression
     * over {@code #}, each element in turn.
     */
    private Node predicate(Token token) throws ExpressionException {
      String name = token.text();
      expect("(");
      Node array = parseOr();
      if (array.kind() != Kind.ARRAY && array.kind() != Kind.ANY) {
        throw error(token, "builtin " + name + " takes only array (got " + kindName(array.kind()) + ")");
      }
      expect(",");
      predicates++;
      Node test;
      try {
        test = parseOr();
      } finally {
        predicates--;
      }
      expect(")");
      if (test.kind() != Kind.BOOL && test.kind() != Kind.ANY) {
        throw error(token, "predicate should return boolean (got " + kindName(test.kind()) + ")");
      }
      return new Call(Kind.BOOL, (q, b) -> {
        if (!(array.eval(q, b) instanceof List<?> elements)) {
          throw new EvaluationException(name + " needs an array");
        }
        Bindings inner = new Bindings(b);
        int count = 0;
        for (Object element : elements) {
          inner.element = element;
          boolean result = Boolean.TRUE.equals(asBool(test.eval(q, inner)));
          switch (name) {
            case "any" -> {
              if (result) {
                return true;
              }
            }
            case "all" -> {
              if (!result) {
                return false;
              }
            }
            case "none" -> {
              if (result) {
                return false;
              }
            }
            default -> count += result ? 1 : 0;
          }
        }
        return switch (name) {
          case "any" -> false;
          case "all", "none" -> true;
          default -> count == 1;
        };
      });
    }
  }

  private static Object asBool(Object value) {
    if (value instanceof Boolean b) {
      return b;
    }
    throw new EvaluationException("not a boolean: " + value);
  }

  private static String asString(Object value) {
    if (value instanceof String s) {
      return s;
    }
    throw new EvaluationException("not a string: " + value);
  }

  private static boolean order(String op, Object a, Object b) {
    int comparison;
    if (a instanceof Number x && b instanceof Number y) {
      comparison = (x instanceof Long && y instanceof Long) ? Long.compare(x.longValue(), y.longValue())
          : Double.compare(x.doubleValue(), y.doubleValue());
    } else if (a instanceof String x && b instanceof String y) {
      comparison = x.compareTo(y);
    } else {
      throw new EvaluationException("cannot compare " + a + " and " + b);
    }
    return switch (op) {
      case "<" -> comparison < 0;
      case "<=" -> comparison <= 0;
      case ">" -> comparison > 0;
      default -> comparison >= 0;
    };
  }

  private static Object compute(String op, Object a, Object b) {
    if (!(a instanceof Number x) || !(b instanceof Number y)) {
      throw new EvaluationException("not numbers: " + a + ", " + b);
    }
    if (op.equals("/")) {
      return x.doubleValue() / y.doubleValue();
    }
    if (x instanceof Long && y instanceof Long) {
      long l = x.longValue();
      long r = y.longValue();
      return switch (op) {
        case "+" -> l + r;
        case "-" -> l - r;
        case "*" -> l * r;
        default -> {
          if (r == 0) {
            throw new EvaluationException("integer divide by zero");
          }
          yield l % r;
        }
      };
    }
    double l = x.doubleValue();
    double r = y.doubleValue();
    return switch (op) {
      case "+" -> l + r;
      case "-" -> l - r;
      default -> l * r;
    };
  }

  // ---- the lexer -----------------------------------------------------------------------------

  private static List<Token> tokenize(String source) throws ExpressionException {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    int n = source.length();
    while (i < n) {
      char c = source.charAt(i);
      int column = i + 1;
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '\'' || c == '"') {
        StringBuilder value = new StringBuilder();
        int j = i + 1;
        boolean closed = false;
        while (j < n) {
          char d = source.charAt(j);
          if (d == c) {
            closed = true;
            break;
          }
          if (d == '\\') {
            if (j + 1 >= n) {
              break;
            }
            char e = source.charAt(++j);
            switch (e) {
              case 'n' -> value.append('\n');
              case 't' -> value.append('\t');
              case 'r' -> value.append('\r');
              case '\\', '\'', '"' -> value.append(e);
              default -> throw new ExpressionException("invalid escape \\" + e + " in a string literal (column "
                  + (j + 1) + " of '" + source + "')");
            }
          } else {
            value.append(d);
          }
          j++;
        }
        if (!closed) {
          throw new ExpressionException("literal not terminated (column " + column + " of '" + source + "')");
        }
        tokens.add(new Token(TokenType.STRING, source.substring(i, j + 1), value.toString(), column));
        i = j + 1;
      } else if (Character.isDigit(c)) {
        int j = i;
        while (j < n && (Character.isDigit(source.charAt(j)) || source.charAt(j) == '_')) {
          j++;
        }
        boolean fraction = j + 1 < n && source.charAt(j) == '.' && Character.isDigit(source.charAt(j + 1));
        if (fraction) {
          j++;
          while (j < n && Character.isDigit(source.charAt(j))) {
            j++;
          }
        }
        String text = source.substring(i, j);
        String digits = text.replace("_", "");
        try {
          tokens.add(fraction ? new Token(TokenType.FLOAT, text, Double.parseDouble(digits), column)
              : new Token(TokenType.INT, text, Long.parseLong(digits), column));
        } catch (NumberFormatException e) {
          throw new ExpressionException("invalid number " + text + " (column " + column + " of '" + source + "')");
        }
        i = j;
      } else if (Character.isLetter(c) || c == '_') {
        int j = i;
        while (j < n && (Character.isLetterOrDigit(source.charAt(j)) || source.charAt(j) == '_')) {
          j++;
        }
        tokens.add(new Token(TokenType.IDENT, source.substring(i, j), null, column));
        i = j;
      } else {
        String two = i + 1 < n ? source.substring(i, i + 2) : "";
        String op;
        if (List.of("==", "!=", "<=", ">=", "&&", "||").contains(two)) {
          op = two;
        } else if ("<>!+-*/%()[],#".indexOf(c) >= 0) {
          op = String.valueOf(c);
        } else {
          throw new ExpressionException("unexpected character '" + c + "' (column " + column + " of '" + source
              + "')");
        }
        tokens.add(new Token(TokenType.OPERATOR, op, null, column));
        i += op.length();
      }
    }
    tokens.add(new Token(TokenType.END, "", null, n + 1));
    return tokens;
  }
}
