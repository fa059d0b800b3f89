package dev.corvus.dns.plugin.nomad;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.ReadinessProvider;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The {@code nomad} directive: {@code SERVICE.NAMESPACE.ZONE} answered from Nomad's service
 * catalogue ({@code GET /v1/service/SERVICE?namespace=NAMESPACE}), asked per query as CoreDNS does
 * (put {@code cache} in front). Nomad is asked with the JDK's asynchronous HTTP client, so the I/O
 * thread never waits for it.
 */
final class NomadPlugin implements Plugin, Handler {

  private static final Logger log = LoggerFactory.getLogger(NomadPlugin.class);
  private static final JsonFactory JSON = new JsonFactory();
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final NomadConfig config;
  private final PluginContext context;
  private final Counter succeeded;
  private final Counter failed;
  private final AtomicInteger current = new AtomicInteger();
  private volatile boolean ready;
  private HttpClient http;

  NomadPlugin(NomadConfig config, PluginContext context) {
    this.config = config;
    this.context = context;
    this.succeeded = context.metrics().counter("coredns_nomad_success_requests_total",
        "Counter of DNS requests handled successfully.", "server", "namespace");
    this.failed = context.metrics().counter("coredns_nomad_failed_requests_total",
        "Counter of DNS requests failed.", "server", "namespace");
    context.readiness().register(new ReadinessProvider() {
      @Override
      public String name() {
        return "nomad";
      }

      @Override
      public boolean isReady() {
        return ready;
      }
    });
  }

  @Override
  public Optional<Handler> handler() {
    return Optional.of(this);
  }

  @Override
  public CompletionStage<Void> start() {
    http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    // CoreDNS's readiness: an agent answered /v1/agent/self
    checkAgents(0);
    return STARTED;
  }

  private void checkAgents(int index) {
    if (index >= config.addresses().size()) {
      log.warn("nomad: no agent of {} answered /v1/agent/self", config.addresses());
      return;
    }
    http.sendAsync(get(config.addresses().get(index), "/v1/agent/self"), HttpResponse.BodyHandlers.discarding())
        .whenComplete((response, failure) -> {
          if (failure == null && response.statusCode() == 200) {
            current.set(index);
            ready = true;
          } else {
            checkAgents(index + 1);
          }
        });
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    Name qname = request.qname();
    if (!qname.subdomain(config.zone()) || qname.equals(config.zone())) {
      return chain.proceed(request);
    }
    // CoreDNS splits the part left of the zone into labels: SERVICE.NAMESPACE[.ANYTHING]
    if (qname.labels() - config.zone().labels() < 2) {
      return chain.proceed(request);
    }
    String service = qname.getLabelString(0).toLowerCase(java.util.Locale.ROOT);
    String namespace = qname.getLabelString(1).toLowerCase(java.util.Locale.ROOT);
    String ns = namespace;
    return lookup(service, namespace, 0).handle((registrations, failure) -> {
      if (failure != null) {
        log.warn("nomad: looking up {} in {}: {}", qname, config.addresses(), failure.toString());
        failed.labels(context.serverLabel(), ns).inc();
        // CoreDNS answers an empty NOERROR when Nomad cannot be asked
        return authoritative(request, Rcode.NOERROR);
      }
      return answer(request, registrations, ns);
    });
  }

  private Message answer(Request request, List<Registration> registrations, String namespace) {
    Name owner = request.qname();
    long ttl = config.ttl();
    if (registrations.isEmpty()) {
      return nameError(request, namespace);
    }
    Message response = authoritative(request, Rcode.NOERROR);
    for (Registration r : registrations) {
      if (r.address() == null) {
        return nameError(request, namespace);
      }
      boolean v4 = r.address() instanceof Inet4Address;
      switch (request.qtype()) {
        case Type.A -> {
          if (v4) {
            response.addRecord(new ARecord(owner, DClass.IN, ttl, r.address()), Section.ANSWER);
          }
        }
        case Type.AAAA -> {
          if (!v4) {
            response.addRecord(new AAAARecord(owner, DClass.IN, ttl, r.address()), Section.ANSWER);
          }
        }
        case Type.SRV -> {
          response.addRecord(new SRVRecord(owner, DClass.IN, ttl, 10, 10, r.port() & 0xFFFF, owner), Section.ANSWER);
          response.addRecord(v4 ? new ARecord(owner, DClass.IN, ttl, r.address())
              : new AAAARecord(owner, DClass.IN, ttl, r.address()), Section.ADDITIONAL);
        }
        default -> {
          // any other type: a name error, the answer CoreDNS's nomad gives it
          return nameError(request, namespace);
        }
      }
    }
    succeeded.labels(context.serverLabel(), namespace).inc();
    return response;
  }

  /** CoreDNS's name error: NXDOMAIN with a SOA for the query name in the answer section. */
  private Message nameError(Request request, String namespace) {
    failed.labels(context.serverLabel(), namespace).inc();
    Message response = authoritative(request, Rcode.NXDOMAIN);
    Name owner = request.qname();
    try {
      Record soa = new SOARecord(owner, DClass.IN, config.ttl(), Name.concatenate(Name.fromString("ns1"), owner),
          Name.concatenate(Name.fromString("hostmaster"), config.zone()), 0, 3600, 600, 86400, 30);
      response.addRecord(soa, Section.ANSWER);
    } catch (TextParseException | org.xbill.DNS.NameTooLongException e) {
      // a query name too long for the made-up SOA: NXDOMAIN without it
    }
    return response;
  }

  private static Message authoritative(Request request, int rcode) {
    Message response = Responses.reply(request);
    response.getHeader().setFlag(Flags.AA);
    response.getHeader().setRcode(rcode);
    return response;
  }

  /** Asks the current agent; when it fails, the next ones in turn (CoreDNS's client failover). */
  private CompletableFuture<List<Registration>> lookup(String service, String namespace, int attempt) {
    int index = Math.floorMod(current.get() + attempt, config.addresses().size());
    StringBuilder path = new StringBuilder("/v1/service/").append(URLEncoder.encode(service, StandardCharsets.UTF_8))
        .append("?namespace=").append(URLEncoder.encode(namespace, StandardCharsets.UTF_8));
    if (!config.filter().isEmpty()) {
      path.append("&filter=").append(URLEncoder.encode(config.filter(), StandardCharsets.UTF_8));
    }
    return http.sendAsync(get(config.addresses().get(index), path.toString()), HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(response -> {
          if (response.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + response.statusCode() + " from " + response.uri());
          }
          current.set(index);
          return registrations(response.body());
        })
        .exceptionallyCompose(failure -> attempt + 1 < config.addresses().size()
            ? lookup(service, namespace, attempt + 1)
            : CompletableFuture.failedFuture(failure));
  }

  private HttpRequest get(URI base, String path) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).GET();
    config.token().ifPresent(token -> builder.header("X-Nomad-Token", token));
    return builder.build();
  }

  /** A service registration: its address ({@code null} when it is not an IP address) and port. */
  record Registration(InetAddress address, int port) {}

  /** The {@code Address} and {@code Port} of each registration of Nomad's JSON array. */
  static List<Registration> registrations(byte[] body) {
    List<Registration> registrations = new ArrayList<>();
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        throw new IllegalStateException("expected a JSON array of service registrations");
      }
      while (parser.nextToken() == JsonToken.START_OBJECT) {
        String address = null;
        int port = 0;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String field = parser.currentName();
          JsonToken value = parser.nextToken();
          if (field.equals("Address") && value == JsonToken.VALUE_STRING) {
            address = parser.getText();
          } else if (field.equals("Port") && value == JsonToken.VALUE_NUMBER_INT) {
            port = parser.getIntValue();
          } else {
            parser.skipChildren();
          }
        }
        registrations.add(new Registration(address == null ? null : parseAddress(address), port));
      }
    } catch (IOException e) {
      throw new IllegalStateException("malformed service registrations: " + e.getMessage(), e);
    }
    return registrations;
  }

  /** An IP literal as Go's {@code net.ParseIP} takes it, or {@code null}; never a DNS lookup. */
  static InetAddress parseAddress(String text) {
    if (text.isEmpty()) {
      return null;
    }
    boolean v6 = text.indexOf(':') >= 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok = v6 ? (c == ':' || c == '.' || Character.digit(c, 16) >= 0) : (c == '.' || Character.isDigit(c));
      if (!ok) {
        return null;
      }
    }
    if (!v6 && text.chars().filter(c -> c == '.').count() != 3) {
      return null;
    }
    try {
      return InetAddress.getByName(text);
    } catch (IOException e) {
      return null;
    }
  }
}
