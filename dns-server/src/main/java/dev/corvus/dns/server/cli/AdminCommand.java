package dev.corvus.dns.server.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.xbill.DNS.Type;

/**
 * {@code corvus explain} and {@code corvus inspect}: clients of a running server's {@code admin}
 * endpoint, so that a distroless pod can be debugged with {@code kubectl exec}.
 */
final class AdminCommand {

  /** How much of an error answer's body a message quotes. */
  private static final int QUOTED_BODY = 200;

  private final PrintStream out;
  private final PrintStream err;
  private final ClientSettings settings;

  AdminCommand(PrintStream out, PrintStream err, ClientSettings settings) {
    this.out = out;
    this.err = err;
    this.settings = settings;
  }

  /** {@code GET /explain?name=&type=&client=[&format=json]}. */
  int explain(Arguments arguments) {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("name", arguments.get(CommandLine.NAME).orElseThrow().toString());
    arguments.get(CommandLine.TYPE).ifPresent(type -> parameters.put("type", Type.string(type)));
    if (arguments.has(CommandLine.CLIENT)) {
      parameters.put("client", arguments.get(CommandLine.CLIENT).getHostAddress());
    }
    if (arguments.get(CommandLine.JSON)) {
      parameters.put("format", "json");
    }
    return call("explain", arguments.get(CommandLine.ADMIN), "GET", "/explain", parameters);
  }

  /** {@code GET /config}, {@code GET /inspect/[TOPIC]} or {@code POST /inspect/TOPIC/ACTION}. */
  int inspect(Arguments arguments) {
    HostAndPort admin = arguments.get(CommandLine.ADMIN);
    Optional<String> topic = arguments.get(CommandLine.TOPIC);
    Optional<String> action = arguments.get(CommandLine.ACTION);
    Map<String, String> parameters = arguments.parameters();
    if (topic.equals(Optional.of("config")) && action.isEmpty()) {
      return call("inspect", admin, "GET", "/config", parameters);
    }
    String path = "/inspect/" + topic.orElse("") + action.map(a -> "/" + a).orElse("");
    return call("inspect", admin, action.isPresent() ? "POST" : "GET", path, parameters);
  }

  private int call(String command, HostAndPort admin, String method, String path, Map<String, String> parameters) {
    String prefix = "corvus " + command + ": ";
    InetSocketAddress address;
    try {
      address = admin.resolve(settings.resolver());
    } catch (UnknownHostException e) {
      err.println(prefix + "cannot resolve \"" + admin.host() + "\"");
      return 1;
    }
    HttpRequest request = HttpRequest.newBuilder(uri(address, path, parameters)).timeout(settings.adminTimeout())
        .method(method, HttpRequest.BodyPublishers.noBody()).build();
    HttpClient client = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
        .connectTimeout(settings.adminConnectTimeout()).build();
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        out.print(response.body());
        return 0;
      }
      err.println(prefix + "the admin endpoint at " + admin + " answered " + response.statusCode()
          + firstLine(response.body()));
      return 1;
    } catch (HttpConnectTimeoutException e) {
      err.println(prefix + "cannot reach the admin endpoint at " + admin + ": no connection within "
          + QueryCommand.format(settings.adminConnectTimeout()) + "; " + whereToLook());
      return 1;
    } catch (HttpTimeoutException e) {
      err.println(prefix + "no answer from the admin endpoint at " + admin + " within "
          + QueryCommand.format(settings.adminTimeout()));
      return 1;
    } catch (ConnectException e) {
      err.println(prefix + "cannot reach the admin endpoint at " + admin + ": connection refused; " + whereToLook());
      return 1;
    } catch (ProtocolException e) {
      err.println(prefix + "the answer from " + admin + " is not HTTP (" + Failures.message(e)
          + "); is this the admin endpoint's address?");
      return 1;
    } catch (IOException e) {
      err.println(prefix + "no answer from the admin endpoint at " + admin + ": " + Failures.describe(e));
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println(prefix + "interrupted");
      return 1;
    }
  }

  private static String whereToLook() {
    return "is the 'admin' directive in the Corefile, and is this the address it listens on?";
  }

  private static URI uri(InetSocketAddress address, String path, Map<String, String> parameters) {
    String host = address.getAddress().getHostAddress();
    if (address.getAddress() instanceof Inet6Address) {
      host = "[" + host.replace("%", "%25") + "]";
    }
    StringBuilder uri = new StringBuilder("http://").append(host).append(':').append(address.getPort()).append(path);
    char separator = '?';
    for (Map.Entry<String, String> parameter : parameters.entrySet()) {
      uri.append(separator).append(encode(parameter.getKey())).append('=').append(encode(parameter.getValue()));
      separator = '&';
    }
    return URI.create(uri.toString());
  }

  /** {@code ": "} and the body's first line, shortened: the endpoint's errors are one line of text. */
  private static String firstLine(String body) {
    String line = body.strip().lines().findFirst().orElse("").strip();
    if (line.length() > QUOTED_BODY) {
      line = line.substring(0, QUOTED_BODY) + "...";
    }
    return line.isEmpty() ? "" : ": " + line;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
