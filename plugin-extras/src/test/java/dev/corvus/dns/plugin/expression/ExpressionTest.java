package dev.corvus.dns.plugin.expression;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Transport;
import dev.corvus.dns.testkit.Queries;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

/**
 * The expression language, table-driven: CoreDNS's {@code view_test.go} and {@code
 * expression_test.go} rows first, then the operators and functions the view README documents.
 */
class ExpressionTest {

  /**
   * Example.COM. A from 10.240.0.1:40212 to 127.0.0.1:53 over UDP, ID 4242 (CoreDNS's test
   * writer's client and server).
   */
  private static Request request() {
    Message query = Queries.query("Example.COM.", Type.A);
    query.getHeader().setID(4242);
    Request made = Queries.request(query, new InetSocketAddress("10.240.0.1", 40212), Transport.UDP);
    return Request.of(made.message(), made.client(), new InetSocketAddress("127.0.0.1", 53), made.transport(),
        made.zone(), made.server(), made.context());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '`', value = {
      // view_test.go TestFilter_ErrorPaths
      "name() == 'example.com.' => true",
      "name() == 'notexample.com.' => false",
      "1 => false",
      "incidr('invalid', '1.2.3.0/24') => false",
      // expression_test.go TestInCidr
      "incidr('1.2.3.4', '1.2.0.0/16') => true",
      "incidr('10.2.3.4', '1.2.0.0/16') => false",
      "incidr('1:2::3:4', '1:2::/64') => true",
      "incidr('A:2::3:4', '1:2::/64') => false",
      "incidr('1.2.3.4', 'invalid') => false",
      // expression_test.go TestMetadata: a missing label is ''
      "metadata('test/nonexistent') == '' => true",
      // the README's functions
      "type() == 'A' => true",
      "type() in ['A', 'AAAA'] => true",
      "type() not in ['A', 'AAAA'] => false",
      "class() == 'IN' => true",
      "client_ip() == '10.240.0.1' => true",
      "incidr(client_ip(), '10.0.0.0/8') => true",
      "port() == '40212' => true",
      "server_ip() == '127.0.0.1' => true",
      "server_port() == '53' => true",
      "server_ip() == client_ip() => false",
      "proto() == 'udp' => true",
      "id() == 4242 => true",
      "opcode() == 0 => true",
      "do() => false",
      "bufsize() == 512 => true",
      "size() > 12 => true",
      "name() matches '^abc\\\\..*\\\\.example\\\\.com\\\\.$' => false",
      "name() matches 'example' => true",
      "name() matches '^example\\\\.com\\\\.$' => true",
      "name() startsWith 'exa' && name() endsWith 'com.' => true",
      "name() contains 'ample' => true",
      // the README's example expression, with precedence and parentheses
      "(type() == 'A' && name() == 'example.com.') || client_ip() == '1.2.3.4' => true",
      "type() == 'AAAA' and name() == 'example.com.' or client_ip() == '10.240.0.1' => true",
      "type() == 'AAAA' and (name() == 'example.com.' or client_ip() == '10.240.0.1') => false",
      "not (type() == 'A') => false",
      "!do() => true",
      "1 + 2 * 3 == 7 => true",
      "7 % 4 == 3 && 7 / 2 == 3.5 && -1 < 0 => true",
      "'a' + \"b\" == 'ab' => true",
      "'it\\'s' == \"it's\" => true",
      "nil == nil => true",
      "true != false => true",
      "'b' > 'a' => true",
      // expr-lang's built-ins the template plugin's examples use
      "replace('10-1-2-3', '-', '.') == '10.1.2.3' => true",
      "any(['10.0.0.0/8', '192.168.0.0/16'], incidr(client_ip(), #)) => true",
      "any(['172.16.0.0/12', '192.168.0.0/16'], incidr(client_ip(), #)) => false",
      "all([1, 2, 3], # > 0) && none([1, 2], # > 5) && one([1, 2], # == 2) => true",
      "all([1, 2, 3], # > 1) => false",
      "any([], true) => false",
      "any(['a', 'b'], any(['b'], # == 'b')) => true",
      "int('42') + 1 == 43 && int(2.9) == 2 => true",
      "string(42) == '42' && len('abc') == 3 && len([1, 2]) == 2 => true",
      "upper('a') == 'A' && lower('A') == 'a' && trim(' a ') == 'a' => true",
      "hasPrefix(name(), 'example') && hasSuffix(name(), 'com.') => true",
      "int('x') == 1 => false",
  })
  void evaluates(String expression, boolean expected) throws ExpressionException {
    assertEquals(expected, Expression.parse(expression).test(request()), expression);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '`', value = {
      "invalid expression => unknown name invalid",
      "name( == 'a.' => unexpected token '=='",
      "nosuch() => unknown function nosuch()",
      "name => name is a function",
      "name() == 1 => mismatched types string and int",
      "type() in 'A' => mismatched types string and string",
      "incidr(client_ip()) => not enough arguments to call incidr",
      "name('x') => too many arguments to call name",
      "incidr(1, '10.0.0.0/8') => cannot use int as argument (type string) to call incidr",
      "name() matches '([' => invalid regular expression",
      "name() matches 'a{2,1}' => invalid regular expression",
      "'unterminated => literal not terminated",
      "name() == 'a' && => unexpected end of expression",
      "(name() == 'a' => expected ')'",
      "1 and true => mismatched types int and bool",
      "name() == 'a' ; 1 => unexpected character ';'",
      "split(name(), '.') == [] => unknown function split()",
      "# == 1 => only allowed in the predicate",
      "any('abc', true) => takes only array",
      "any([1], 1) => predicate should return boolean",
      "group('x') == '' => unknown function group()",
      "replace(1, '-', '.') == '' => cannot use int as argument",
  })
  void rejectsWhatExprLangRejects(String expression, String message) {
    ExpressionException e = assertThrows(ExpressionException.class, () -> Expression.parse(expression));
    assertTrue(e.getMessage().contains(message), e.getMessage());
    assertTrue(e.getMessage().contains("column "), e.getMessage());
  }

  @Test
  void templateVariablesAndGroupsAreBoundPerQuery() throws ExpressionException {
    Expression.Declarations declarations = Expression.Declarations.template();
    Expression ip = Expression.parse("replace(group('ip'), '-', '.')", declarations);
    declarations = declarations.declare("ip", ip);
    Expression n = Expression.parse("int(group(2))", declarations);
    declarations = declarations.declare("n", n);
    Expression privateIp = Expression.parse("any(['10.0.0.0/8'], incidr(ip, #)) && n * 2 == 4", declarations);
    Expression.Bindings bindings = new Expression.Bindings(List.of("10-1-2-3.2.", "10-1-2-3", "2"),
        java.util.Map.of("0", "10-1-2-3.2.", "1", "10-1-2-3", "2", "2", "ip", "10-1-2-3"), 2);
    bindings.set(0, ip.evaluate(request(), bindings));
    bindings.set(1, n.evaluate(request(), bindings));
    assertEquals("10.1.2.3", ip.evaluate(request(), bindings));
    assertEquals(2L, n.evaluate(request(), bindings));
    assertEquals(Boolean.TRUE, privateIp.evaluate(request(), bindings));
    assertEquals("", Expression.parse("group('nosuch') + group(9)", declarations).evaluate(request(), bindings));
  }

  @Test
  void variableNamesMustBeFreeIdentifiers() throws ExpressionException {
    Expression one = Expression.parse("1", Expression.Declarations.template());
    Expression.Declarations declared = Expression.Declarations.template().declare("a", one);
    for (String bad : List.of("1a", "a-b", "name", "group", "len", "true", "let", "any", "a")) {
      assertThrows(ExpressionException.class, () -> declared.declare(bad, one), bad);
    }
    ExpressionException mismatch = assertThrows(ExpressionException.class,
        () -> Expression.parse("'x' + a", declared));
    assertTrue(mismatch.getMessage().contains("mismatched types string and int"), mismatch.getMessage());
  }

  @Test
  void metadataIsReadFromTheQuerysContext() throws ExpressionException {
    Request request = request();
    Queries.context(request).metadataSink().put("test/metadata", () -> "success");
    assertTrue(Expression.parse("metadata('test/metadata') == 'success'").test(request));
  }

  @Test
  void goRegularExpressionsWork() throws ExpressionException {
    // Go's (?P<name>...) groups and \z are RE2 syntax; java.util.regex rejects (?P<
    assertTrue(Expression.parse("name() matches '^(?P<host>[a-z]+)\\\\.com\\\\.\\\\z'").test(request()));
  }
}
