package dev.corvus.dns.server.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code corvus explain} and {@code corvus inspect}: clients of a running server's {@code admin}
 * endpoint, so that a distroless pod can be debugged with {@code kubectl exec}.
 */
final class AdminCommand {

  static final String EXPLAIN_USAGE =
      "corvus explain [-admin HOST:PORT] NAME [TYPE] [--client IP] [--json]";
  static final String INSPECT_USAGE =
      "corvus inspect [-admin HOST:PORT] [config | TOPIC [ACTION]] [KEY=VALUE...]";
  /** The {@code admin} directive's default address. */
  static final String DEFAULT_ADMIN = "127.0.0.1:9154";
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final PrintStream out;
  private final PrintStream err;

  AdminCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  int explain(List<String> args) {
    try {
      return explainChecked(args);
    } catch (IllegalArgumentException missingValue) {
      return usage("explain", missingValue.getMessage(), EXPLAIN_USAGE);
    }
  }

  int inspect(List<String> args) {
    try {
      return inspectChecked(args);
    } catch (IllegalArgumentException missingValue) {
      return usage("inspect", missingValue.getMessage(), INSPECT_USAGE);
    }
  }

  private int explainChecked(List<String> args) {
    String admin = DEFAULT_ADMIN;
    Map<String, String> parameters = new LinkedHashMap<>();
    List<String> positional = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      switch (arg) {
        case "-admin", "--admin" -> admin = value(args, ++i, arg);
        case "-client", "--client" -> parameters.put("client", value(args, ++i, arg));
        case "-json", "--json" -> parameters.put("format", "json");
        default -> {
          if (arg.startsWith("-")) {
            return usage("explain", "unknown argument '" + arg + "'", EXPLAIN_USAGE);
          }
          positional.add(arg);
        }
      }
    }
    if (positional.isEmpty() || positional.size() > 2) {
      return usage("explain", "needs NAME and at most a TYPE", EXPLAIN_USAGE);
    }
    Map<String, String> query = new LinkedHashMap<>();
    query.put("name", positional.get(0));
    if (positional.size() == 2) {
      query.put("type", positional.get(1));
    }
    query.putAll(parameters);
    return call("explain", admin, "GET", "/explain", query);
  }

  private int inspectChecked(List<String> args) {
    String admin = DEFAULT_ADMIN;
    List<String> path = new ArrayList<>();
    Map<String, String> parameters = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("-admin") || arg.equals("--admin")) {
        admin = value(args, ++i, arg);
      } else if (arg.contains("=")) {
        parameters.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
      } else if (arg.startsWith("-") || path.size() == 2) {
        return usage("inspect", "unknown argument '" + arg + "'", INSPECT_USAGE);
      } else {
        path.add(arg);
      }
    }
    if (path.equals(List.of("config"))) {
      return call("inspect", admin, "GET", "/config", parameters);
    }
    String method = path.size() == 2 ? "POST" : "GET";
    return call("inspect", admin, method, "/inspect/" + String.join("/", path), parameters);
  }

  private int call(String command, String admin, String method, String path, Map<String, String> parameters) {
    StringBuilder uri = new StringBuilder("http://").append(admin).append(path);
    char separator = '?';
    for (Map.Entry<String, String> parameter : parameters.entrySet()) {
      uri.append(separator).append(encode(parameter.getKey())).append('=').append(encode(parameter.getValue()));
      separator = '&';
    }
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(URI.create(uri.toString())).timeout(TIMEOUT)
          .method(method, HttpRequest.BodyPublishers.noBody()).build();
    } catch (IllegalArgumentException e) {
      return usage(command, "bad admin address '" + admin + "': " + e.getMessage(), "");
    }
    HttpClient client = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
        .connectTimeout(Duration.ofSeconds(3)).build();
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        out.print(response.body());
        return 0;
      }
      err.print("corvus " + command + ": " + response.statusCode() + " " + response.body());
      return 1;
    } catch (IOException e) {
      err.println("corvus " + command + ": cannot reach the admin endpoint at " + admin + " (" + e
          + "); is the 'admin' directive in the Corefile, and is this the address it listens on?");
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private int usage(String command, String problem, String usage) {
    err.println("corvus " + command + ": " + problem + (usage.isEmpty() ? "" : "\nusage: " + usage));
    return 2;
  }

  /** The value after {@code flag}; an {@link IllegalArgumentException} (usage, exit 2) when there is none. */
  private static String value(List<String> args, int index, String flag) {
    if (index >= args.size()) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args.get(index);
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
