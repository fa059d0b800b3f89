package dev.corvus.dns.plugin.admin;

import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.capability.Explanation;
import dev.corvus.dns.api.capability.ServerControl;
import dev.corvus.dns.api.plugin.HttpEndpoints;
import dev.corvus.dns.api.plugin.HttpEndpoints.HttpRequest;
import dev.corvus.dns.api.plugin.HttpEndpoints.HttpResponse;
import dev.corvus.dns.api.plugin.Inspector;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Serves the operator endpoints: {@code GET /explain?name=&type=&client=[&format=json]}, {@code
 * GET /config}, {@code GET /inspect/} (the topics), {@code GET /inspect/TOPIC} and {@code POST
 * /inspect/TOPIC/ACTION}, and with {@code profile} {@code GET /debug/jfr?seconds=N} (a Java Flight
 * Recorder recording, see {@link FlightRecorder}). Clients outside loopback and the allowed
 * networks get 403.
 */
final class AdminPlugin implements Plugin {

  static final Duration EXPLAIN_TIMEOUT = Duration.ofSeconds(10);
  private static final String JSON = "application/json";

  private final AdminConfig config;
  private final PluginContext context;
  private final ServerControl server;
  private final List<HttpEndpoints.Endpoint> endpoints = new ArrayList<>();

  AdminPlugin(AdminConfig config, PluginContext context, ServerControl server) {
    this.config = config;
    this.context = context;
    this.server = server;
  }

  @Override
  public synchronized CompletionStage<Void> start() {
    endpoints.add(context.http().serve(config.address(), "/explain", guarded(this::explain)));
    endpoints.add(context.http().serve(config.address(), "/config", guarded(request -> config())));
    endpoints.add(context.http().serve(config.address(), "/inspect/", guarded(this::inspect)));
    if (config.profile()) {
      FlightRecorder recorder = new FlightRecorder();
      endpoints.add(context.http().serve(config.address(), "/debug/jfr", guarded(recorder::record)));
    }
    return STARTED;
  }

  @Override
  public synchronized void stop() {
    endpoints.forEach(HttpEndpoints.Endpoint::close);
    endpoints.clear();
  }

  private HttpEndpoints.Route guarded(HttpEndpoints.Route route) {
    return request -> {
      InetAddress client = request.client() == null ? null : request.client().getAddress();
      if (client == null || !config.permits(client)) {
        return HttpResponse.text(403, "the admin endpoint answers loopback clients only; "
            + "add 'allow CIDR' to the admin directive to admit " + client + "\n");
      }
      try {
        return route.handle(request);
      } catch (IllegalArgumentException e) {
        return HttpResponse.text(400, e.getMessage() + "\n");
      } catch (IllegalStateException e) {
        return HttpResponse.text(409, e.getMessage() + "\n");
      }
    };
  }

  private HttpResponse explain(HttpRequest request) {
    Map<String, String> parameters = request.parameters();
    String nameText = parameters.get("name");
    if (nameText == null || nameText.isBlank()) {
      throw new IllegalArgumentException("explain needs ?name=NAME[&type=TYPE][&client=IP]");
    }
    Name name;
    try {
      name = Name.fromString(nameText, Name.root);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("not a domain name: " + nameText);
    }
    String typeText = parameters.getOrDefault("type", "A");
    int type = Type.value(typeText.toUpperCase(java.util.Locale.ROOT));
    if (type < 0) {
      throw new IllegalArgumentException("unknown type " + typeText);
    }
    InetAddress clientAddress;
    try {
      clientAddress = parameters.containsKey("client")
          ? Names.parseAddressLiteral(parameters.get("client")) : InetAddress.getLoopbackAddress();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("client must be an IP address, got " + parameters.get("client"));
    }
    Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
    query.getHeader().setFlag(Flags.RD);
    Explanation explanation;
    try {
      explanation = server.explain(query, new InetSocketAddress(clientAddress, 53))
          .toCompletableFuture().get(EXPLAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalArgumentException(e.getCause().getMessage());
    } catch (TimeoutException e) {
      return HttpResponse.text(504, "no answer within " + EXPLAIN_TIMEOUT.toSeconds() + " s\n");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return HttpResponse.text(503, "interrupted\n");
    }
    String question = name + " " + Type.string(type);
    String client = clientAddress.getHostAddress();
    if ("json".equals(parameters.get("format"))) {
      return json(200, ExplanationReport.data(explanation, question, client));
    }
    return HttpResponse.text(200, ExplanationReport.text(explanation, question, client));
  }

  private HttpResponse config() {
    ServerControl.ConfigStatus status = server.status();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("files", status.serving().files().stream().map(Object::toString).toList());
    data.put("sha512", status.serving().sha512());
    data.put("loadedAt", status.loadedAt().toString());
    data.put("lastReloadError", status.lastReloadError().orElse(null));
    return json(200, data);
  }

  private HttpResponse inspect(HttpRequest request) {
    String rest = request.path().substring("/inspect/".length());
    List<Inspector> inspectors = server.inspectors();
    if (rest.isEmpty()) {
      TreeSet<String> topics = new TreeSet<>();
      inspectors.forEach(i -> topics.add(i.topic()));
      return json(200, Map.of("topics", List.copyOf(topics)));
    }
    int slash = rest.indexOf('/');
    String topic = slash < 0 ? rest : rest.substring(0, slash);
    String action = slash < 0 ? "" : rest.substring(slash + 1);
    List<Inspector> matching = inspectors.stream().filter(i -> i.topic().equals(topic)).toList();
    if (matching.isEmpty()) {
      return HttpResponse.text(404, "no plugin in this configuration shows '" + topic + "'\n");
    }
    if (action.isEmpty()) {
      List<Object> views = new ArrayList<>();
      matching.forEach(i -> views.add(i.inspect(request.parameters())));
      return json(200, views);
    }
    if (!request.method().equals("POST")) {
      return HttpResponse.text(405, "actions need POST: curl -X POST .../inspect/" + topic + "/" + action + "\n");
    }
    if (action.equals("flush") && !config.flush()) {
      return HttpResponse.text(403, "flushing is disabled; add 'flush' to the admin directive to allow it\n");
    }
    List<Object> results = new ArrayList<>();
    matching.forEach(i -> results.add(i.act(action, request.parameters())));
    return json(200, results);
  }

  private static HttpResponse json(int status, Object data) {
    return new HttpResponse(status, JSON, Json.write(data).getBytes(StandardCharsets.UTF_8));
  }
}
