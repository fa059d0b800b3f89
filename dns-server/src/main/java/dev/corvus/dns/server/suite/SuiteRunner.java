package dev.corvus.dns.server.suite;

import dev.corvus.dns.api.Transport;
import dev.corvus.dns.server.config.BlockPlan;
import dev.corvus.dns.server.corefile.Scheme;
import dev.corvus.dns.server.corefile.ServerKey;
import dev.corvus.dns.server.corefile.Suggestions;
import dev.corvus.dns.server.lifecycle.CorefileSource;
import dev.corvus.dns.server.lifecycle.InProcessServer;
import dev.corvus.dns.server.plugin.PluginCatalog;
import dev.corvus.dns.server.suite.SuiteResult.CaseResult;
import dev.corvus.dns.server.suite.SuiteResult.Mismatch;
import dev.corvus.dns.server.suite.SuiteResult.Outcome;
import dev.corvus.dns.server.transport.ListenerKey;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Runs test files: reads one, serves its Corefile in this process ({@link InProcessServer}), sends
 * every case's query through the server as a client's query of the listener it names, and
 * compares each response with what the case expects. Cases run one after the other, in file
 * order, against one server per file, so that what one query leaves behind (a cache entry) is
 * there for the next, as in a server that is serving.
 */
public final class SuiteRunner {

  /** The executor answers SERVFAIL when a chain has not answered after 10 s; this is only a backstop. */
  private static final Duration ANSWER_WAIT = Duration.ofSeconds(15);

  private final PluginCatalog catalog;
  private final Map<String, String> environment;
  private final int dnsPort;
  private final Duration readyTimeout;

  /**
   * @param catalog the directives the Corefiles may use
   * @param environment the variables {@code {$NAME}} substitutes in the Corefiles
   * @param dnsPort the port of Corefile keys that name none, as {@code -dns.port} when serving
   * @param readyTimeout how long a configuration may take to start and report ready
   */
  public SuiteRunner(PluginCatalog catalog, Map<String, String> environment, int dnsPort, Duration readyTimeout) {
    this.catalog = catalog;
    this.environment = Map.copyOf(environment);
    this.dnsPort = dnsPort;
    this.readyTimeout = readyTimeout;
  }

  /** Reads and runs the test file {@code path}. */
  public SuiteResult run(Path path) {
    long start = System.nanoTime();
    TestFile file;
    try {
      file = TestFileReader.read(path);
    } catch (IOException e) {
      return new SuiteResult(path, Outcome.INVALID, List.of(path + ": cannot read: " + describe(e)), List.of(),
          since(start));
    } catch (TestFileReader.Invalid e) {
      return new SuiteResult(path, Outcome.INVALID, e.problems(), List.of(), since(start));
    }
    try (InProcessServer server = InProcessServer.start(CorefileSource.ofFile(file.corefile()), catalog, environment,
        dnsPort, readyTimeout)) {
      List<String> problems = new ArrayList<>();
      List<Planned> plans = new ArrayList<>();
      for (TestFile.Case testCase : file.cases()) {
        plan(file, testCase, server, problems).ifPresent(plans::add);
      }
      if (!problems.isEmpty()) {
        return new SuiteResult(path, Outcome.INVALID, problems, List.of(), since(start));
      }
      List<CaseResult> results = new ArrayList<>();
      for (Planned plan : plans) {
        results.add(run(server, plan));
      }
      return new SuiteResult(path, Outcome.RAN, List.of(), results, since(start));
    } catch (InProcessServer.NotStarted e) {
      return new SuiteResult(path, Outcome.NOT_STARTED, e.problems(), List.of(), since(start));
    }
  }

  /** A case with the listener its query goes to and the transport it arrives by. */
  private record Planned(TestFile.Case testCase, ListenerKey listener, Transport transport) {}

  private Optional<Planned> plan(TestFile file, TestFile.Case testCase, InProcessServer server, List<String> problems) {
    TestFile.Query query = testCase.query();
    TestFile.Located choice = query.server() != null ? query.server() : file.server();
    ListenerKey listener = choice == null ? firstServing(server, query.name()) : named(file, choice, server, problems);
    if (listener == null) {
      return Optional.empty();
    }
    TestFile.Located transport = query.transport();
    Scheme scheme = listener.scheme();
    Transport arrival = switch (scheme) {
      case DNS -> transport != null && transport.text().equals("tcp") ? Transport.TCP : Transport.UDP;
      case TLS -> Transport.TLS;
      case HTTPS -> Transport.HTTPS;
      case HTTPS3 -> Transport.HTTPS3;
      case GRPC -> Transport.GRPC;
      case QUIC -> Transport.QUIC;
    };
    if (transport != null && scheme == Scheme.TLS && transport.text().equals("udp")) {
      problems.add(file.path() + ":" + transport.line() + ": transport: " + listener.label()
          + " serves DNS over TLS, over TCP only");
      return Optional.empty();
    }
    if (transport != null && scheme != Scheme.DNS && scheme != Scheme.TLS) {
      problems.add(file.path() + ":" + transport.line() + ": transport: " + listener.label()
          + " is a listener plugin's, whose transport is its own; leave transport out");
      return Optional.empty();
    }
    return Optional.of(new Planned(testCase, listener, arrival));
  }

  /** The first listener, in Corefile order, with a block for {@code name}; the first of all when none has one (REFUSED). */
  private static ListenerKey firstServing(InProcessServer server, Name name) {
    for (ListenerKey listener : server.listeners()) {
      if (server.serves(listener, name)) {
        return listener;
      }
    }
    return server.listeners().get(0);
  }

  /** The listener of the server block whose key {@code choice} names; {@code null} after reporting none. */
  private ListenerKey named(TestFile file, TestFile.Located choice, InProcessServer server, List<String> problems) {
    String where = file.path() + ":" + choice.line() + ": server: ";
    String wanted;
    try {
      wanted = keyLabel(choice.text());
    } catch (IllegalArgumentException e) {
      problems.add(where + e.getMessage());
      return null;
    }
    Set<String> labels = new LinkedHashSet<>();
    for (BlockPlan plan : server.configuration().blocks()) {
      for (ServerKey key : plan.block().keys()) {
        String label = key.label().toLowerCase(Locale.ROOT);
        labels.add(label);
        if (label.equals(wanted)) {
          Optional<ListenerKey> listener = server.listenerOf(key);
          if (listener.isPresent()) {
            return listener.get();
          }
        }
      }
    }
    String closest = Suggestions.closest(wanted, labels);
    problems.add(where + "no server block of " + file.corefile() + " has the key \"" + choice.text() + "\""
        + (closest != null ? ", did you mean \"" + closest + "\"?" : "; its keys: " + String.join(", ", labels)));
    return null;
  }

  /**
   * A server key as {@link ServerKey#label()} writes it ({@code dns://example.org.:53}) from the
   * ways a Corefile or a log writes one: {@code example.org:53}, {@code dns://.:1053}, {@code
   * dns://:53}, {@code tls://example.org}; a key without a port has the Corefile's default.
   */
  String keyLabel(String text) {
    String rest = text.trim();
    Scheme scheme = Scheme.DNS;
    int separator = rest.indexOf("://");
    if (separator >= 0) {
      scheme = Scheme.of(rest.substring(0, separator).toLowerCase(Locale.ROOT));
      if (scheme == null) {
        throw new IllegalArgumentException("unknown scheme in \"" + text + "\": expected dns, tls, https, https3, grpc or quic");
      }
      rest = rest.substring(separator + 3);
    }
    int port = scheme == Scheme.DNS ? dnsPort : scheme.defaultPort();
    int colon = rest.lastIndexOf(':');
    if (colon >= 0 && rest.substring(colon + 1).matches("[0-9]{1,5}")) {
      port = Integer.parseInt(rest.substring(colon + 1));
      rest = rest.substring(0, colon);
    }
    String zone = rest.isEmpty() || rest.equals(".") ? "." : rest.endsWith(".") ? rest : rest + ".";
    return (scheme.prefix() + "://" + zone + ":" + port).toLowerCase(Locale.ROOT);
  }

  private CaseResult run(InProcessServer server, Planned plan) {
    TestFile.Query query = plan.testCase().query();
    String exchange = query.question() + " over " + plan.transport().name().toLowerCase(Locale.ROOT) + " from "
        + query.client().getAddress().getHostAddress() + " to " + plan.listener().label();
    Message message = Message.newQuery(Record.newRecord(query.name(), query.type(), query.dclass()));
    message.getHeader().setFlag(Flags.RD);
    if (query.edns()) {
      message.addRecord(new OPTRecord(query.bufsize(), 0, 0, query.dnssec() ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
    }
    long start = System.nanoTime();
    Optional<byte[]> wire;
    try {
      wire = server.exchange(plan.listener(), message.toWire(), query.client(), plan.transport())
          .get(ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return failed(plan, exchange, "none within " + ANSWER_WAIT.toSeconds() + "s", start);
    } catch (ExecutionException e) {
      return failed(plan, exchange, "the server failed: " + e.getCause(), start);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed(plan, exchange, "interrupted", start);
    }
    Duration time = since(start);
    TestFile.Expect expect = plan.testCase().expect();
    if (wire.isEmpty()) {
      return expect.noResponse() ? new CaseResult(plan.testCase(), exchange, List.of(), null, time)
          : failed(plan, exchange, "none: the server dropped the query", start);
    }
    Message response;
    try {
      response = new Message(wire.get());
    } catch (IOException e) {
      return failed(plan, exchange, "not a DNS message (" + e.getMessage() + ")", start);
    }
    if (response.getHeader().getID() != message.getHeader().getID()) {
      return failed(plan, exchange, "for another query (ID " + response.getHeader().getID() + ", sent "
          + message.getHeader().getID() + ")", start);
    }
    return new CaseResult(plan.testCase(), exchange, ResponseComparison.compare(expect, response),
        response.toString(), time);
  }

  private static CaseResult failed(Planned plan, String exchange, String response, long start) {
    return new CaseResult(plan.testCase(), exchange, List.of(new Mismatch("response", response, List.of())), null,
        since(start));
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  private static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return String.valueOf(e.getMessage());
  }
}
