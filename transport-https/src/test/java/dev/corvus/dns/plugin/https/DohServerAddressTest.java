package dev.corvus.dns.plugin.https;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.testkit.peers.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A DoH listener bound to every address tells the query path the address each connection was made
 * to: view's {@code server_ip()} picks the block, with curl connecting to 127.0.0.1 or 127.0.0.2
 * over HTTP/2 and HTTP/1.1.
 */
class DohServerAddressTest {

  @TempDir
  Path dir;

  @ParameterizedTest(name = "to {0} with {1}")
  @CsvSource({
      "127.0.0.1, --http2,   1.1.1.1",
      "127.0.0.2, --http2,   2.2.2.2",
      "127.0.0.1, --http1.1, 1.1.1.1",
      "127.0.0.2, --http1.1, 2.2.2.2",
  })
  void viewsSeeTheAddressTheConnectionWasMadeTo(String destination, String version, String expected)
      throws Exception {
    Peers.certificate(dir);
    Path corefile = Files.writeString(dir.resolve("Corefile"), """
        https://.:0 {
            tls cert.pem key.pem
            view second {
                expr server_ip() == '127.0.0.2'
            }
            hosts {
                2.2.2.2 test
            }
        }
        https://.:0 {
            tls cert.pem key.pem
            hosts {
                1.1.1.1 test
            }
        }
        """);
    try (Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      int port = server.listeners().get(0).stream().getPort();
      Path body = Files.write(dir.resolve("query.bin"), DohListenerTest.queryWire("test.", Type.A, 0));
      Path out = dir.resolve("answer.bin");
      List<String> command = new ArrayList<>(List.of(Peers.require("curl", "curl"), "-sS", "--max-time", "20",
          "--cacert", dir.resolve("cert.pem").toString(), "--resolve", "localhost:" + port + ":" + destination,
          version, "-o", out.toString(), "-H", "content-type: application/dns-message",
          "--data-binary", "@" + body, "https://localhost:" + port + "/dns-query"));
      Peers.Output result = Peers.run(command.toArray(String[]::new));
      assertEquals(0, result.exitCode(), result.text());
      Message answer = new Message(Files.readAllBytes(out));
      assertEquals(expected, answer.getSection(Section.ANSWER).get(0).rdataToString());
    }
  }
}
