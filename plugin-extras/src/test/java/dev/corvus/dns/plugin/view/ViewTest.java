package dev.corvus.dns.plugin.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.plugin.testing.CapturedStderr;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * {@code view}: server blocks on one zone and port chosen per query by their expressions, over
 * real UDP and TCP from different loopback source addresses (CoreDNS's view README).
 */
class ViewTest {

  /** CoreDNS README's first example, run as written (its stray closing brace left out). */
  static final String SPLIT_BY_CLIENT = """
      .:0 {
        view example1 {
          expr incidr(client_ip(), '127.0.0.0/24')
        }
        hosts {
          1.1.1.1 test
        }
      }

      .:0 {
        view example2 {
          expr incidr(client_ip(), '192.168.0.0/16')
        }
        hosts {
          2.2.2.2 test
        }
      }

      .:0 {
        view v6_example1 {
          expr incidr(client_ip(), '2001:0DB8::/32')
        }
        hosts {
          2001:0DB8::1 test
        }
      }

      .:0 {
        hosts {
          3.3.3.3 test
        }
      }
      """;

  /** Sends {@code query} from {@code source} over UDP or TCP. */
  static Message ask(InetSocketAddress server, String source, Message query, boolean tcp) throws IOException {
    InetAddress from = InetAddress.getByName(source);
    byte[] wire = query.toWire();
    if (tcp) {
      try (Socket socket = new Socket()) {
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(server, 3000);
        socket.setSoTimeout(3000);
        DnsClient.writeFrame(socket.getOutputStream(), wire);
        return new Message(DnsClient.readFrame(new DataInputStream(socket.getInputStream())));
      }
    }
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(from, 0))) {
      socket.setSoTimeout(3000);
      socket.send(new DatagramPacket(wire, wire.length, server));
      byte[] buffer = new byte[65535];
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      socket.receive(packet);
      return new Message(java.util.Arrays.copyOf(buffer, packet.getLength()));
    }
  }

  static String answer(Corvus server, String source, String name, int type, boolean tcp) throws IOException {
    Message response = ask(tcp ? server.tcpAddress() : server.udpAddress(), source,
        DnsClient.newQuery(name, type), tcp);
    List<Record> answers = response.getSection(Section.ANSWER);
    return answers.isEmpty() ? Rcode.string(response.getRcode()) : answers.get(0).rdataToString();
  }

  @ParameterizedTest(name = "{0} over tcp={1}")
  @CsvSource({
      "127.0.0.1, false, 1.1.1.1",
      "127.0.0.1, true,  1.1.1.1",
      "127.0.0.200, false, 1.1.1.1",
      "127.0.1.1, false, 3.3.3.3",
      "127.0.1.1, true,  3.3.3.3",
      "127.1.2.3, false, 3.3.3.3",
  })
  void theReadmesSplitDnsAnswersByClientAddress(String source, boolean tcp, String expected) throws Exception {
    try (Corvus server = Corvus.builder().corefile(SPLIT_BY_CLIENT).dnsPort(0).start()) {
      assertEquals(expected, answer(server, source, "test.", Type.A, tcp));
    }
  }

  /**
   * CoreDNS's server_ip() and server_port(): the address and port the client sent the query to.
   * The server is bound to every address; one client asks 127.0.0.1, the other 127.0.0.2.
   */
  @ParameterizedTest(name = "to {0} over tcp={1}")
  @CsvSource({
      "127.0.0.1, false, 1.1.1.1",
      "127.0.0.1, true,  1.1.1.1",
      "127.0.0.2, false, 2.2.2.2",
      "127.0.0.2, true,  2.2.2.2",
  })
  void viewsSelectByTheServerAddressTheQueryWasSentTo(String destination, boolean tcp, String expected)
      throws Exception {
    String corefile = """
        .:0 {
          view unset {
            expr server_port() == '0'
          }
          hosts {
            9.9.9.9 test
          }
        }
        .:0 {
          view second {
            expr server_ip() == '127.0.0.2' && server_port() matches '^[1-9][0-9]*$'
          }
          hosts {
            2.2.2.2 test
          }
        }
        .:0 {
          hosts {
            1.1.1.1 test
          }
        }
        """;
    try (Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      InetSocketAddress target = new InetSocketAddress(destination, server.udpAddress().getPort());
      Message response = ask(target, "127.0.0.1", DnsClient.newQuery("test.", Type.A), tcp);
      assertEquals(expected, response.getSection(Section.ANSWER).get(0).rdataToString());
    }
  }

  @Test
  void twoClientRangesGetDifferentRecordsForOneName() throws Exception {
    String corefile = """
        example.org:0 {
          view inside {
            expr incidr(client_ip(), '127.0.0.2/32') || incidr(client_ip(), '127.0.0.3/32')
          }
          hosts {
            10.0.0.10 www.example.org
          }
        }
        example.org:0 {
          hosts {
            192.0.2.10 www.example.org
          }
        }
        """;
    try (Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      for (boolean tcp : new boolean[] {false, true}) {
        assertEquals("10.0.0.10", answer(server, "127.0.0.2", "www.example.org.", Type.A, tcp));
        assertEquals("10.0.0.10", answer(server, "127.0.0.3", "www.example.org.", Type.A, tcp));
        assertEquals("192.0.2.10", answer(server, "127.0.0.1", "www.example.org.", Type.A, tcp));
      }
    }
  }

  @Test
  void theReadmesTypeAndNameExamplesPickTheirBlocks() throws Exception {
    String corefile = """
        .:0 {
          view example {
            expr type() in ['A', 'AAAA']
          }
          template IN ANY . {
            answer "{{ .Name }} 60 IN TXT address-block"
          }
        }
        .:0 {
          view example {
            expr name() matches '^abc\\\\..*\\\\.example\\\\.com\\\\.$'
          }
          template IN ANY . {
            answer "{{ .Name }} 60 IN TXT abc-block"
          }
        }
        .:0 {
          template IN ANY . {
            answer "{{ .Name }} 60 IN TXT other-block"
          }
        }
        """;
    try (Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      Message a = new DnsClient(server.udpAddress()).udp("www.example.com.", Type.A);
      assertEquals("\"address-block\"", a.getSection(Section.ANSWER).get(0).rdataToString(), a::toString);
      Message abc = new DnsClient(server.udpAddress()).tcp("abc.x.y.example.com.", Type.TXT);
      assertEquals("\"abc-block\"", abc.getSection(Section.ANSWER).get(0).rdataToString(), abc::toString);
      Message notAbc = new DnsClient(server.udpAddress()).udp("abc.example.com.", Type.TXT);
      assertEquals("\"other-block\"", notAbc.getSection(Section.ANSWER).get(0).rdataToString(), notAbc::toString);
    }
  }

  @Test
  void aQueryNoViewAdmitsFallsToAShorterZoneThenIsRefused() throws Exception {
    String corefile = """
        example.org:0 {
          view never {
            expr name() == 'nothing.'
          }
          hosts {
            10.0.0.1 www.example.org
          }
        }
        .:0 {
          hosts {
            10.0.0.2 www.example.org
            10.0.0.4 www.example.net
          }
        }
        example.net:0 {
          view never {
            expr false
          }
          hosts {
            10.0.0.3 www.example.net
          }
        }
        """;
    try (Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      assertEquals("10.0.0.2", answer(server, "127.0.0.1", "www.example.org.", Type.A, false));
      // example.net's only block does not admit it, although it comes after the root block
      assertEquals("10.0.0.4", answer(server, "127.0.0.1", "www.example.net.", Type.A, true));
    }
    String only = """
        example.org:0 {
          view never {
            expr false
          }
          hosts {
            10.0.0.1 www.example.org
          }
        }
        """;
    try (Corvus server = Corvus.builder().corefile(only).dnsPort(0).start()) {
      assertEquals("REFUSED", answer(server, "127.0.0.1", "www.example.org.", Type.A, false));
      assertEquals("REFUSED", answer(server, "127.0.0.1", "www.example.org.", Type.A, true));
    }
  }

  @Test
  void theViewNameIsPublishedAndLogged() throws Exception {
    String corefile = """
        .:0 {
          metadata
          view split {
            expr metadata('view/name') == 'split' && client_ip() == '127.0.0.1'
          }
          log . "{name} view={/view/name}"
          hosts {
            10.0.0.1 www.example.org
          }
        }
        """;
    try (CapturedStderr err = new CapturedStderr();
        Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      assertEquals("10.0.0.1", answer(server, "127.0.0.1", "www.example.org.", Type.A, false));
      assertEquals("REFUSED", answer(server, "127.0.0.5", "www.example.org.", Type.A, false));
      assertTrue(err.awaitLine(line -> line.contains("www.example.org. view=split"), Duration.ofSeconds(5)),
          () -> "no log line with the view's name in " + err.lines());
    }
  }

  private static ConfigException rejected(String corefile) {
    return assertThrows(ConfigException.class, () -> Corvus.builder().corefile(corefile).dnsPort(0).start().close());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      // CoreDNS's setup_test.go errors, and the bad inputs
      "view|missing NAME",
      "view example {\\n expr invalid expression\\n }|unknown name invalid",
      "view x {\\n foo bar\\n }|foo",
      "view example {\\n expr name( == 'a.'\\n }|unexpected token '=='",
      "view example {\\n expr nosuch() == 'a'\\n }|unknown function nosuch()",
      "view example {\\n expr name() == 1\\n }|mismatched types string and int",
      "view example {\\n expr incidr(client_ip())\\n }|not enough arguments to call incidr",
      "view example {\\n expr name() matches '(['\\n }|invalid regular expression",
      "view example {\\n expr 'unterminated\\n }|literal not terminated",
      "view example {\\n expr\\n }|expr needs an EXPRESSION",
  })
  void badViewsAreConfigErrorsAtTheirLine(String view, String message) {
    ConfigException e = rejected(".:0 {\n " + view.replace("\\n", "\n") + "\n hosts\n}\n");
    // the line of the directive, or of its expr option
    assertTrue(e.getMessage().matches("<embedded>:[23]: view: .*"), e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void aBlockHasOneViewAndUnfilteredBlocksStillConflict() {
    ConfigException twice = rejected(".:0 {\n view a {\n }\n view b {\n }\n}\n");
    assertTrue(twice.getMessage().contains("only once"), twice.getMessage());
    ConfigException clash = rejected(".:0 {\n whoami\n}\n.:0 {\n whoami\n}\n");
    assertTrue(clash.getMessage().contains("already defined"), clash.getMessage());
  }

  @Test
  void twoExpressionsMustBothHold() throws Exception {
    String corefile = """
        .:0 {
          view both {
            expr name() == 'example.com.'
            expr type() == 'A'
          }
          hosts {
            10.0.0.1 example.com
          }
        }
        """;
    try (Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      assertEquals("10.0.0.1", answer(server, "127.0.0.1", "example.com.", Type.A, false));
      assertEquals("REFUSED", answer(server, "127.0.0.1", "example.com.", Type.AAAA, false));
      assertFalse(answer(server, "127.0.0.1", "example.org.", Type.A, false).startsWith("10."));
    }
  }
}
