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
import java.util.function.Function;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Type;

/**
 * An expression over a query, in the part of expr-lang that CoreDNS's {@code view} documents and
 * its {@code plugin/pkg/expression} environment offers: string ({@code '...'}, {@code "..."}),
 * integer, float, {@code true}/{@code false}/{@code nil} and array ({@code ['A', 'AAAA']})
 * literals; the functions {@code bufsize() class() client_ip() do() id() name() opcode() port()
 * proto() server_ip() server_port() size() type() incidr(ip, cidr) metadata(label)}; the operators {@code == != < <= > >=},
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

    Object eval(Request request);
  }

  private record Const(Kind kind, Object value) implements Node {
    @Override
    public Object eval(Request request) {
      return value;
    }
  }

  private record Call(Kind kind, Function<Request, Object> body) implements Node {
    @Override
    public Object eval(Request request) {
      return body.apply(request);
    }
  }

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
          (r, a) -> r.context().metadata((String) a[0]).orElse(""))));

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
    Parser parser = new Parser(text);
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
      return Boolean.TRUE.equals(root.eval(request));
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
    try {
      return root.eval(request);
    } catch (EvaluationException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
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
    private int position;

    Parser(String source) throws ExpressionException {
      this.source = source;
      this.tokens = tokenize(source);
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
      return new Call(Kind.BOOL, r -> {
        boolean first = Boolean.TRUE.equals(asBool(left.eval(r)));
        if (and ? !first : first) {
          return first;
        }
        return asBool(right.eval(r));
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
        left = negated ? new Call(Kind.BOOL, r -> !Boolean.TRUE.equals(compared.eval(r))) : compared;
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
          return new Call(Kind.BOOL, q -> valuesEqual(left.eval(q), right.eval(q)) == equal);
        }
        case "<", "<=", ">", ">=" -> {
          if (known && !(isNumber(l) && isNumber(r)) && !(l == Kind.STRING && r == Kind.STRING)) {
            throw mismatched(op, l, r);
          }
          String text = op.text();
          return new Call(Kind.BOOL, q -> order(text, left.eval(q), right.eval(q)));
        }
        case "in" -> {
          if (r != Kind.ARRAY && r != Kind.ANY) {
            throw mismatched(op, l, r);
          }
          return new Call(Kind.BOOL, q -> {
            Object needle = left.eval(q);
            Object haystack = right.eval(q);
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
            return new Call(Kind.BOOL, q -> compiled.matcher(asString(left.eval(q))).find());
          }
          return new Call(Kind.BOOL, q -> {
            try {
              return Pattern.compile(asString(right.eval(q))).matcher(asString(left.eval(q))).find();
            } catch (PatternSyntaxException e) {
              throw new EvaluationException(e.getMessage());
            }
          });
        }
        case "contains" -> {
          requireStrings(op, l, r);
          return new Call(Kind.BOOL, q -> asString(left.eval(q)).contains(asString(right.eval(q))));
        }
        case "startsWith" -> {
          requireStrings(op, l, r);
          return new Call(Kind.BOOL, q -> asString(left.eval(q)).startsWith(asString(right.eval(q))));
        }
        default -> {
          requireStrings(op, l, r);
          return new Call(Kind.BOOL, q -> asString(left.eval(q)).endsWith(asString(right.eval(q))));
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
        return new Call(Kind.STRING, q -> asString(left.eval(q)) + asString(right.eval(q)));
      }
      boolean numeric = (isNumber(l) || l == Kind.ANY) && (isNumber(r) || r == Kind.ANY);
      if (!numeric || (text.equals("%") && (l == Kind.FLOAT || r == Kind.FLOAT))) {
        throw mismatched(op, l, r);
      }
      Kind result = text.equals("/") || l == Kind.FLOAT || r == Kind.FLOAT ? Kind.FLOAT
          : l == Kind.ANY || r == Kind.ANY ? Kind.ANY : Kind.INT;
      return new Call(result, q -> compute(text, left.eval(q), right.eval(q)));
    }

    private Node parseUnary() throws ExpressionException {
      if (at("not") || at("!")) {
        Token op = next();
        Node operand = parseUnary();
        requireBool(op, operand);
        return new Call(Kind.BOOL, q -> !Boolean.TRUE.equals(asBool(operand.eval(q))));
      }
      if (at("-")) {
        Token op = next();
        Node operand = parseUnary();
        if (!isNumber(operand.kind()) && operand.kind() != Kind.ANY) {
          throw error(op, "invalid operation: - (mismatched type " + kindName(operand.kind()) + ")");
        }
        return new Call(operand.kind(), q -> compute("-", 0L, operand.eval(q)));
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
      return new Call(Kind.ARRAY, q -> {
        List<Object> values = new ArrayList<>(elements.size());
        for (Node element : elements) {
          values.add(element.eval(q));
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
      Builtin function = FUNCTIONS.get(name);
      if (function == null) {
        throw error(token, "unknown " + (at("(") ? "function " + name + "()" : "name " + name)
            + " (known functions: " + String.join(", ", new java.util.TreeSet<>(FUNCTIONS.keySet())) + ")");
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
        if (actual != expected && actual != Kind.ANY) {
          throw error(token, "cannot use " + kindName(actual) + " as argument (type " + kindName(expected)
              + ") to call " + name);
        }
      }
      Node[] nodes = args.toArray(Node[]::new);
      Invoker invoker = function.invoker();
      return new Call(function.result(), q -> {
        Object[] values = new Object[nodes.length];
        for (int i = 0; i < nodes.length; i++) {
          values[i] = nodes[i].eval(q);
          if (!(values[i] instanceof String)) {
            throw new EvaluationException(name + " takes strings");
          }
        }
        return invoker.invoke(q, values);
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
        } else if ("<>!+-*/%()[],".indexOf(c) >= 0) {
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
