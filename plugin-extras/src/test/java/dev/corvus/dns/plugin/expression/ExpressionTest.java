package dev.corvus.dns.plugin.expression;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Transport;
import dev.corvus.dns.testkit.Queries;
import java.net.InetSocketAddress;
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
  })
  void rejectsWhatExprLangRejects(String expression, String message) {
    ExpressionException e = assertThrows(ExpressionException.class, () -> Expression.parse(expression));
    assertTrue(e.getMessage().contains(message), e.getMessage());
    assertTrue(e.getMessage().contains("column "), e.getMessage());
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
