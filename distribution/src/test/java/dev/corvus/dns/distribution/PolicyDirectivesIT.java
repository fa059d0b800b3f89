package dev.corvus.dns.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * {@code view}, {@code metadata} and {@code geoip} in the assembled distribution, asked with dig
 * over UDP and TCP from different loopback source addresses ({@code dig -b}) and with an EDNS0
 * client subnet ({@code +subnet}); the database is written by the geoip module's Perl script.
 */
class PolicyDirectivesIT {

  private static String dig(int port, String source, String name, String... options) throws Exception {
    List<String> command = new ArrayList<>(List.of("dig", "+short", "+time=3", "+tries=1", "@127.0.0.1",
        "-p", Integer.toString(port), "-b", source, name, "A"));
    command.addAll(List.of(options));
    Process dig = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(dig.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(dig.waitFor(30, TimeUnit.SECONDS), "dig did not finish");
    return output;
  }

  private static String output(CorvusProcess corvus) {
    try {
      return corvus.output();
    } catch (java.io.IOException e) {
      return "(no output: " + e + ")";
    }
  }

  @Test
  void viewsAnswerByClientAddressCityAndSubnet(@TempDir Path dir) throws Exception {
    Path script = DocumentationTest.sourceRoot().resolve("plugin-geoip/src/test/resources/make-mmdb.pl");
    Process perl = new ProcessBuilder("perl", script.toString(), "city", dir.resolve("city.mmdb").toString())
        .redirectErrorStream(true).start();
    String perlOutput = new String(perl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(perl.waitFor(60, TimeUnit.SECONDS) && perl.exitValue() == 0, perlOutput);
    int port = CorvusProcess.freePort();
    Path corefile = Files.writeString(dir.resolve("Corefile"), """
        example.org:%1$d {
            view inside {
                expr incidr(client_ip(), '127.0.0.2/32')
            }
            metadata
            log . "{remote} {proto} {name} view={/view/name}"
            hosts {
                10.0.0.10 www.example.org
            }
        }
        example.org:%1$d {
            hosts {
                192.0.2.10 www.example.org
            }
        }
        geo.example:%1$d {
            view exampleshire {
                expr metadata('geoip/city/name') == 'Exampleshire'
            }
            geoip city.mmdb {
                edns-subnet
            }
            metadata
            log . "{remote} {proto} {name} city={/geoip/city/name} country={/geoip/country/code}"
            template IN A geo.example {
                answer "{{ .Name }} 60 IN A 198.51.100.1"
            }
        }
        geo.example:%1$d {
            template IN A geo.example {
                answer "{{ .Name }} 60 IN A 203.0.113.1"
            }
        }
        """.formatted(port));
    try (CorvusProcess corvus = CorvusProcess.start(dir, "-conf", corefile.toString())) {
      InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
      assertEquals(Rcode.NOERROR, DistributionIT.awaitAnswer(server, "www.example.org.", Type.A, false).getRcode());
      for (String transport : new String[] {"+notcp", "+tcp"}) {
        assertEquals("10.0.0.10", dig(port, "127.0.0.2", "www.example.org", transport), () -> output(corvus));
        assertEquals("192.0.2.10", dig(port, "127.0.0.1", "www.example.org", transport), () -> output(corvus));
        assertEquals("198.51.100.1", dig(port, "127.0.1.1", "www.geo.example", transport), () -> output(corvus));
        assertEquals("203.0.113.1", dig(port, "127.0.0.1", "www.geo.example", transport), () -> output(corvus));
        assertEquals("198.51.100.1", dig(port, "127.0.0.1", "www.geo.example", transport, "+subnet=192.0.2.0/24"));
        assertEquals("203.0.113.1", dig(port, "127.0.1.1", "www.geo.example", transport, "+subnet=81.2.69.142/32"));
      }
      String log = corvus.output();
      assertTrue(log.contains("127.0.0.2 udp www.example.org. view=inside"), log);
      assertTrue(log.contains("127.0.1.1 tcp www.geo.example. city=Exampleshire country=XR"), log);
      // 127.0.0.1 reaches the Exampleshire block only through its ECS option
      assertTrue(log.contains("127.0.0.1 udp www.geo.example. city=Exampleshire country=XR"), log);
    }
  }
}
