package dev.corvus.dns.conformance;

import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.corvus.dns.conformance.ConformanceFile.CaseSpec;
import dev.corvus.dns.conformance.ConformanceFile.ExcludedTest;
import dev.corvus.dns.conformance.ConformanceFile.ServerSpec;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.conformance.PassCounts.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * CoreDNS's table-driven plugin tests, as the data files under {@code src/test/resources/<directive>/}
 * state them, run against a real Corvus server: one server per data file entry, every case sent
 * over UDP and over TCP. Cases a data file excludes are reported as aborted with the file's reason.
 * The pass counts per directive are printed at the end and written to
 * {@code target/conformance-summary.md}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConformanceTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final PassCounts counts = new PassCounts();
  private final AtomicInteger servers = new AtomicInteger();

  @TempDir
  Path temp;

  @TestFactory
  Stream<DynamicNode> corednsPluginTests() throws IOException, URISyntaxException {
    Path root = Path.of(ConformanceTest.class.getResource("/conformance-format.md").toURI()).getParent();
    List<DynamicNode> directives = new ArrayList<>();
    try (Stream<Path> entries = Files.list(root)) {
      for (Path directory : entries.filter(Files::isDirectory).sorted().toList()) {
        List<Path> files;
        try (Stream<Path> inside = Files.list(directory)) {
          files = inside.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        if (!files.isEmpty()) {
          String directive = directory.getFileName().toString();
          directives.add(dynamicContainer(directive, files.stream().map(file -> dataFile(directive, file))));
        }
      }
    }
    return directives.stream();
  }

  private DynamicNode dataFile(String directive, Path path) {
    ConformanceFile file;
    try {
      file = YAML.readValue(Files.readString(path, StandardCharsets.UTF_8), ConformanceFile.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
    List<DynamicNode> nodes = new ArrayList<>();
    for (ExcludedTest excluded : file.excluded()) {
      nodes.add(dynamicTest(excluded.test() + " (excluded)", () -> {
        counts.excludedFunction(directive);
        counts.exclusion(directive, fileName(file) + " " + excluded.test(), excluded.reason());
        Assumptions.abort(excluded.reason());
      }));
    }
    for (ServerSpec server : file.servers()) {
      nodes.add(dynamicContainer(server.test(), path.toUri(), serverCases(directive, fileName(file), server)));
    }
    return dynamicContainer(file.source(), path.toUri(), nodes.stream());
  }

  /** The CoreDNS test file's name, e.g. {@code lookup_test.go}. */
  private static String fileName(ConformanceFile file) {
    return file.source().substring(file.source().lastIndexOf('/') + 1);
  }

  /**
   * One dynamic test per case and transport; the server starts with its first case and stops when
   * JUnit closes the stream. A server that must be rejected at start-up is one test.
   */
  private Stream<DynamicNode> serverCases(String directive, String source, ServerSpec spec) {
    Path directory = temp.resolve("server-" + servers.incrementAndGet());
    if (spec.fails() != null) {
      return Stream.of(dynamicTest("[start] rejected: " + spec.fails(), () -> {
        try {
          Assertions.assertThrows(ConfigException.class, () -> ServerUnderTest.start(spec, directory).close());
          counts.record(directive, "start", Outcome.PASSED);
        } catch (AssertionError e) {
          counts.record(directive, "start", Outcome.FAILED);
          throw e;
        }
      }));
    }
    LazyServer server = new LazyServer(spec, directory);
    return spec.cases().stream()
        .flatMap(c -> c.transports().stream().map(transport -> (DynamicNode) dynamicTest(
            "[" + transport + "] " + c.title(), () -> run(directive, source, server, c, transport))))
        .onClose(server::close);
  }

  /** The serial an IXFR case's query carries, -1 for none; {@code current} asks the server's SOA first. */
  private static long ixfrSerial(ServerUnderTest running, InetAddress from, CaseSpec c, String transport)
      throws Exception {
    if (c.ixfrSerial() == null) {
      return -1;
    }
    if (!c.ixfrSerial().equals("current")) {
      return Long.parseLong(c.ixfrSerial());
    }
    Message soaQuery = Message.newQuery(
        Record.newRecord(Name.fromString(c.qname()), Type.SOA,
            DClass.IN));
    Message soa = transport.equals("udp")
        ? DnsExchange.udp(toward(running.udpAddress(), from), from, soaQuery)
        : DnsExchange.tcp(toward(running.tcpAddress(), from), from, soaQuery);
    for (Record r : soa.getSection(Section.ANSWER)) {
      if (r instanceof SOARecord record) {
        return record.getSerial();
      }
    }
    throw new IllegalStateException("no SOA for " + c.qname() + ": " + soa);
  }

  private void run(String directive, String source, LazyServer server, CaseSpec c, String transport) throws Exception {
    if (c.excluded() != null) {
      counts.record(directive, transport, Outcome.EXCLUDED);
      counts.exclusion(directive, source + " " + c.title(), c.excluded());
      Assumptions.abort(c.excluded());
    }
    try {
      ServerUnderTest running = server.get();
      InetAddress from = InetAddress.getByName(c.client() == null ? "127.0.0.1" : c.client());
      Message query = Queries.of(c, ixfrSerial(running, from, c, transport));
      if (c.noResponse()) {
        expectSilence(running, from, query, transport);
        counts.record(directive, transport, Outcome.PASSED);
        return;
      }
      Message response = transport.equals("udp")
          ? DnsExchange.udp(toward(running.udpAddress(), from), from, query)
          : DnsExchange.tcp(toward(running.tcpAddress(), from), from, query);
      List<String> problems = ResponseCheck.differences(c, response);
      if (!problems.isEmpty()) {
        Assertions.fail(String.join("\n", problems) + "\nresponse:\n" + response);
      }
      counts.record(directive, transport, c.deviation() == null ? Outcome.PASSED : Outcome.DEVIATION);
    } catch (TestAbortedException e) {
      throw e;
    } catch (Exception | AssertionError e) {
      counts.record(directive, transport, Outcome.FAILED);
      throw e;
    }
  }

  /** A dropped query: nothing comes back within a short wait (TCP: or the connection closes). */
  private static void expectSilence(ServerUnderTest running, InetAddress from, Message query, String transport)
      throws IOException {
    try {
      Message answer = transport.equals("udp")
          ? DnsExchange.udp(toward(running.udpAddress(), from), from, query, DnsExchange.SILENCE_MILLIS)
          : DnsExchange.tcp(toward(running.tcpAddress(), from), from, query, DnsExchange.SILENCE_MILLIS);
      Assertions.fail("expected no response, got:\n" + answer);
    } catch (java.net.SocketTimeoutException | java.io.EOFException | java.net.SocketException e) {
      // dropped, as expected
    }
  }

  /** The server listens on the wildcard address; an IPv6 client reaches it on ::1. */
  private static InetSocketAddress toward(InetSocketAddress server, InetAddress from) throws IOException {
    return from instanceof Inet6Address
        ? new InetSocketAddress(InetAddress.getByName("::1"), server.getPort())
        : server;
  }

  @AfterAll
  void printCounts() throws IOException {
    String table = counts.table();
    System.out.println("CoreDNS conformance, cases per directive and transport:\n" + table);
    Path summary = Path.of("target", "conformance-summary.md");
    Files.createDirectories(summary.getParent());
    Files.writeString(summary, table + "\n## Excluded\n" + counts.exclusionList(), StandardCharsets.UTF_8);
  }

  /** Starts the server on first use, so that a data file's server runs only while its cases do. */
  private static final class LazyServer {
    private final ServerSpec spec;
    private final Path directory;
    private ServerUnderTest server;
    private Exception failure;

    LazyServer(ServerSpec spec, Path directory) {
      this.spec = spec;
      this.directory = directory;
    }

    synchronized ServerUnderTest get() throws Exception {
      if (server == null && failure == null) {
        try {
          server = ServerUnderTest.start(spec, directory);
        } catch (Exception e) {
          failure = e;
        }
      }
      if (failure != null) {
        throw failure;
      }
      return server;
    }

    synchronized void close() {
      if (server != null) {
        try {
          server.close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }
}
