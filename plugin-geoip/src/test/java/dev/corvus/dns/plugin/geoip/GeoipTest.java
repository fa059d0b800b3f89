package dev.corvus.dns.plugin.geoip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * {@code geoip} on MaxMind DB files written for the test by libmaxmind-db-writer-perl (checked
 * with mmdblookup), read over real sockets: the labels CoreDNS publishes, the EDNS0 client
 * subnet, a view choosing a block by city for two client addresses, and bad databases.
 */
class GeoipTest {

  private static final List<String> CITY_LABELS = List.of("geoip/city/name", "geoip/country/code",
      "geoip/country/name", "geoip/country/is_in_european_union", "geoip/continent/code",
      "geoip/continent/name", "geoip/latitude", "geoip/longitude", "geoip/timezone", "geoip/postalcode",
      "geoip/subdivisions/code");
  private static final List<String> ASN_LABELS = List.of("geoip/asn/number", "geoip/asn/org");

  @TempDir
  static Path dir;

  static Path city;
  static Path country;
  static Path asn;

  /** Writes a database with the test's Perl script. */
  static Path mmdb(String kind) throws Exception {
    Path script = Path.of(GeoipTest.class.getResource("/make-mmdb.pl").toURI());
    Path out = dir.resolve(kind + ".mmdb");
    Process perl = new ProcessBuilder("perl", script.toString(), kind, out.toString()).redirectErrorStream(true).start();
    String output = new String(perl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(perl.waitFor(60, TimeUnit.SECONDS), "perl did not finish");
    assertEquals(0, perl.exitValue(), output);
    return out;
  }

  static String mmdblookup(Path file, String ip, String... path) throws Exception {
    String[] command = new String[4 + path.length];
    command[0] = "mmdblookup";
    command[1] = "--file=" + file;
    command[2] = "--ip";
    command[3] = ip;
    System.arraycopy(path, 0, command, 4, path.length);
    Process lookup = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(lookup.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(lookup.waitFor(30, TimeUnit.SECONDS));
    return output;
  }

  @BeforeAll
  static void writeDatabases() throws Exception {
    city = mmdb("city");
    country = mmdb("country");
    asn = mmdb("asn");
    // MaxMind's own C reader agrees with what the writer was told.
    assertTrue(mmdblookup(city, "127.0.1.7", "city", "names", "en").contains("\"Exampleshire\""));
    assertTrue(mmdblookup(city, "81.2.69.142", "postal", "code").contains("\"CB4\""));
    assertTrue(mmdblookup(asn, "10.9.8.7", "autonomous_system_organization").contains("\"Not routed\""));
  }

  private static Corvus serve(String geoip, List<String> labels) throws Exception {
    return Corvus.builder()
        .corefile(".:0 {\n  metadata\n  " + geoip + "\n  metadata_echo " + String.join(" ", labels) + "\n}\n")
        .plugin(new MetadataEchoFactory())
        .dnsPort(0)
        .start();
  }

  /** A query for example.org TXT, with an ECS option for {@code subnet} unless it is "-". */
  private static Message query(String subnet) {
    Message query = DnsClient.newQuery("example.org.", Type.TXT);
    if (!subnet.equals("-")) {
      String[] parts = subnet.split("/");
      try {
        ClientSubnetOption ecs = new ClientSubnetOption(Integer.parseInt(parts[1]), InetAddress.getByName(parts[0]));
        query.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(ecs)), Section.ADDITIONAL);
      } catch (IOException e) {
        throw new IllegalArgumentException(e);
      }
    }
    return query;
  }

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
      return new Message(Arrays.copyOf(buffer, packet.getLength()));
    }
  }

  /** The labels as the echo saw them: value, or null for a label without one. */
  private static Map<String, String> labels(Message answer) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (Record record : answer.getSection(Section.ANSWER)) {
      String text = ((TXTRecord) record).getStrings().get(0);
      int equals = text.indexOf('=');
      labels.put(equals < 0 ? text : text.substring(0, equals), equals < 0 ? null : text.substring(equals + 1));
    }
    return labels;
  }

  @ParameterizedTest(name = "from {0} with ECS {1}, edns-subnet={2}")
  @CsvSource(delimiter = '|', nullValues = "null", value = {
      // source  | ECS              | edns-subnet | city         | code | EU    | continent | lat     | long   | tz              | postal | subdivisions
      "127.0.0.1 | -                | false | Cambridge    | GB | true  | EU | 52.2242 | 0.1315 | Europe/London   | CB4 | ENG,CAM",
      "127.0.1.9 | -                | false | Exampleshire | XR | false | NA | -33.5   | 151.25 | America/Toronto | EX1 | EXS",
      "127.0.0.1 | 192.0.2.0/24     | true  | Exampleshire | XR | false | NA | -33.5   | 151.25 | America/Toronto | EX1 | EXS",
      "127.0.1.9 | 81.2.69.142/32   | true  | Cambridge    | GB | true  | EU | 52.2242 | 0.1315 | Europe/London   | CB4 | ENG,CAM",
      "127.0.0.1 | 192.0.2.0/24     | false | Cambridge    | GB | true  | EU | 52.2242 | 0.1315 | Europe/London   | CB4 | ENG,CAM",
      "127.0.0.1 | 2001:db8::/56    | true  | Exampleshire | XR | false | NA | -33.5   | 151.25 | America/Toronto | EX1 | EXS",
      "127.0.2.1 | -                | false | null         | null | false | null | null  | null   | null            | null | null",
  })
  void publishesCoreDnsCityLabels(String source, String ecs, boolean ednsSubnet, String cityName, String code,
      String eu, String continent, String latitude, String longitude, String timezone, String postal,
      String subdivisions) throws Exception {
    String geoip = "geoip " + city + (ednsSubnet ? " {\n    edns-subnet\n  }" : "");
    try (Corvus server = serve(geoip, CITY_LABELS)) {
      for (boolean tcp : new boolean[] {false, true}) {
        Map<String, String> labels =
            labels(ask(tcp ? server.tcpAddress() : server.udpAddress(), source, query(ecs), tcp));
        assertEquals(cityName, labels.get("geoip/city/name"), labels::toString);
        assertEquals(code, labels.get("geoip/country/code"));
        assertEquals(eu, labels.get("geoip/country/is_in_european_union"));
        assertEquals(continent, labels.get("geoip/continent/code"));
        assertEquals(latitude, labels.get("geoip/latitude"));
        assertEquals(longitude, labels.get("geoip/longitude"));
        assertEquals(timezone, labels.get("geoip/timezone"));
        assertEquals(postal, labels.get("geoip/postalcode"));
        assertEquals(subdivisions, labels.get("geoip/subdivisions/code"));
      }
    }
  }

  @Test
  void countryNamesAndContinents() throws Exception {
    try (Corvus server = serve("geoip " + city, CITY_LABELS)) {
      Map<String, String> labels = labels(ask(server.udpAddress(), "127.0.0.1", query("-"), false));
      assertEquals("United Kingdom", labels.get("geoip/country/name"));
      assertEquals("Europe", labels.get("geoip/continent/name"));
    }
    try (Corvus server = serve("geoip " + country, CITY_LABELS)) {
      Map<String, String> labels = labels(ask(server.udpAddress(), "127.0.1.1", query("-"), false));
      assertEquals("XR", labels.get("geoip/country/code"), labels::toString);
      assertEquals("Example Republic", labels.get("geoip/country/name"));
      assertEquals(null, labels.get("geoip/city/name"), "a country database has no cities");
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', nullValues = "null", value = {
      "127.0.0.1 | -              | 64512 | Loopback Networks",
      // geoip_test.go TestMetadataUnknownIP: an address the database lacks has number 0, no org
      "127.0.0.1 | 203.0.113.0/24 | 0     | null",
      "127.0.0.1 | 81.2.69.142/32 | 12345 | Test ASN Organization",
      "127.0.0.1 | 10.1.2.0/24    | 0     | Not routed",
  })
  void publishesAsnLabels(String source, String ecs, String number, String org) throws Exception {
    try (Corvus server = serve("geoip " + asn + " {\n    edns-subnet\n  }", ASN_LABELS)) {
      Map<String, String> labels = labels(ask(server.tcpAddress(), source, query(ecs), true));
      assertEquals(number, labels.get("geoip/asn/number"), labels::toString);
      assertEquals(org, labels.get("geoip/asn/org"));
    }
  }

  @Test
  void aViewOnTheCityAnswersDifferentlyForTwoClients() throws Exception {
    Path zones = Files.createDirectories(dir.resolve("zones"));
    Files.writeString(zones.resolve("example.com.exampleshire-db"), """
        $ORIGIN example.com.
        @ 3600 IN SOA ns.example.com. admin.example.com. 1 7200 3600 1209600 3600
        @ 3600 IN NS ns.example.com.
        www 3600 IN A 192.0.2.53
        """);
    Files.writeString(zones.resolve("example.com.db"), """
        $ORIGIN example.com.
        @ 3600 IN SOA ns.example.com. admin.example.com. 1 7200 3600 1209600 3600
        @ 3600 IN NS ns.example.com.
        www 3600 IN A 198.51.100.53
        """);
    // CoreDNS's README example, with this test's database and zone files.
    String corefile = """
        example.com:0 {
            view exampleshire {
              expr metadata('geoip/city/name') == 'Exampleshire'
            }
            geoip %s {
              edns-subnet
            }
            metadata
            file %s
        }

        example.com:0 {
            file %s
        }
        """.formatted(city, zones.resolve("example.com.exampleshire-db"), zones.resolve("example.com.db"));
    try (Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      for (boolean tcp : new boolean[] {false, true}) {
        InetSocketAddress address = tcp ? server.tcpAddress() : server.udpAddress();
        Message inside = DnsClient.newQuery("www.example.com.", Type.A);
        assertEquals("192.0.2.53", first(ask(address, "127.0.1.1", inside, tcp)));
        assertEquals("198.51.100.53", first(ask(address, "127.0.0.1", DnsClient.newQuery("www.example.com.", Type.A), tcp)));
        // the ECS option moves a client of 127.0.0.1 to Exampleshire
        Message withSubnet = query("192.0.2.0/24");
        Message ecsQuery = DnsClient.newQuery("www.example.com.", Type.A);
        ecsQuery.addRecord(withSubnet.getOPT(), Section.ADDITIONAL);
        assertEquals("192.0.2.53", first(ask(address, "127.0.0.1", ecsQuery, tcp)));
      }
    }
  }

  private static String first(Message response) {
    List<Record> answers = response.getSection(Section.ANSWER);
    assertTrue(!answers.isEmpty(), response::toString);
    return answers.get(0).rdataToString();
  }

  @Test
  void logPrintsGeoipLabels() throws Exception {
    String expected = "127.0.1.4 where.example. city=Exampleshire country=XR asn=-";
    CountDownLatch logged = new CountDownLatch(1);
    ByteArrayOutputStream captured = new ByteArrayOutputStream() {
      @Override
      public synchronized void write(byte[] b, int off, int len) {
        super.write(b, off, len);
        if (toString(StandardCharsets.UTF_8).contains(expected)) {
          logged.countDown();
        }
      }
    };
    String corefile = ".:0 {\n  metadata\n  geoip " + city + "\n"
        + "  log . \"{remote} {name} city={/geoip/city/name} country={/geoip/country/code} asn={/geoip/asn/number}\"\n"
        + "  metadata_echo\n}\n";
    PrintStream original = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (Corvus server = Corvus.builder().corefile(corefile).plugin(new MetadataEchoFactory()).dnsPort(0).start()) {
      ask(server.udpAddress(), "127.0.1.4", DnsClient.newQuery("where.example.", Type.A), false);
      // the log writes on its own thread
      assertTrue(logged.await(5, TimeUnit.SECONDS), captured::toString);
    } finally {
      System.setErr(original);
    }
  }

  private static String rejected(String geoip) {
    ConfigException e = assertThrows(ConfigException.class,
        () -> Corvus.builder().corefile(".:0 {\n  " + geoip + "\n}\n").dnsPort(0).start().close());
    assertTrue(e.getMessage().startsWith("<embedded>:2: geoip: ") || e.getMessage().startsWith("<embedded>:3: geoip: "),
        e.getMessage());
    return e.getMessage();
  }

  @Test
  void badConfigurationsAndDatabasesAreErrorsAtTheirLine() throws Exception {
    // CoreDNS's setup_test.go cases
    assertTrue(rejected("geoip").contains("DBFILE"));
    assertTrue(rejected("geoip " + city + " {\n languages en fr es zh-CN\n }").contains("languages"));
    assertTrue(rejected("geoip 1 2 3").contains("unexpected"));
    assertTrue(rejected("geoip /dbpath {\n city\n }").contains("city"));
    assertTrue(rejected("geoip /invalidPath").contains("failed to open database file"));
    assertTrue(rejected("geoip " + mmdb("unknown")).contains("reader does not support the \"UnknownDbType\" database type"));
    assertTrue(rejected("geoip " + mmdb("anonymous")).contains("does not provide any supported schema (city, asn)"));
    assertTrue(rejected("geoip " + city + "\n  geoip " + city).contains("only once"));
    Path corrupt = Files.write(dir.resolve("corrupt.mmdb"), "not a maxmind database at all".getBytes(StandardCharsets.UTF_8));
    assertTrue(rejected("geoip " + corrupt).contains("failed to open database file"));
    byte[] truncated = Arrays.copyOf(Files.readAllBytes(city), 200);
    assertTrue(rejected("geoip " + Files.write(dir.resolve("truncated.mmdb"), truncated)).contains("failed to open"));
  }
}
