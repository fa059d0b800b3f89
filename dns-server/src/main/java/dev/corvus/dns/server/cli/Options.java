package dev.corvus.dns.server.cli;

import java.nio.file.Path;

/**
 * The command line, with CoreDNS's flag names.
 *
 * @param command {@code serve}, {@code check}, {@code plugins}, {@code version} or {@code help}
 * @param conf the Corefile, or {@code null}
 * @param dnsPort the port of keys without one
 * @param pluginDirectory the plugins directory, or {@code null}
 * @param rest the arguments of {@code query}, {@code explain} and {@code inspect}
 * @param timeout how long one {@code doctor} probe may take
 */
record Options(String command, Path conf, int dnsPort, Path pluginDirectory, java.util.List<String> rest,
    java.time.Duration timeout) {

  static final java.time.Duration DEFAULT_TIMEOUT = java.time.Duration.ofSeconds(2);

  static final String USAGE = """
      usage: corvus [-conf FILE] [-dns.port PORT] [-plugins DIR]   serve DNS
             corvus check -conf FILE [-plugins DIR]                 validate a Corefile, bind nothing
             corvus plugins [-plugins DIR]                          list directives in chain order
             corvus doctor -conf FILE [-plugins DIR] [-timeout 2s]  check loops, upstreams, API access
             corvus query [@SERVER[:PORT]] NAME [TYPE] [+tcp] [+dnssec]   ask a server, as dig does
             corvus explain [-admin HOST:PORT] NAME [TYPE] [--client IP] [--json]
                                                                    why a server answers what it does
             corvus inspect [-admin HOST:PORT] [TOPIC [ACTION]] [KEY=VALUE...]
                                                                    a running server's state
             corvus -version""";

  static Options parse(String[] args) {
    if (args.length > 0 && (args[0].equals("query") || args[0].equals("explain") || args[0].equals("inspect"))) {
      return new Options(args[0], null, 53, null, java.util.List.of(args).subList(1, args.length), DEFAULT_TIMEOUT);
    }
    String command = "serve";
    Path conf = null;
    int port = 53;
    java.time.Duration timeout = DEFAULT_TIMEOUT;
    String home = System.getProperty("corvus.home");
    Path plugins = home == null ? null : Path.of(home, "plugins");
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "check", "plugins", "doctor" -> {
          if (i != 0) {
            throw new IllegalArgumentException("'" + arg + "' must come first");
          }
          command = arg;
        }
        case "-conf", "--conf" -> conf = Path.of(value(args, ++i, arg));
        case "-dns.port", "--dns.port" -> port = port(value(args, ++i, arg));
        case "-plugins", "--plugins" -> plugins = Path.of(value(args, ++i, arg));
        case "-timeout", "--timeout" -> timeout = timeout(value(args, ++i, arg));
        case "-version", "--version" -> command = "version";
        case "-h", "-help", "--help" -> command = "help";
        default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
      }
    }
    return new Options(command, conf, port, plugins, java.util.List.of(), timeout);
  }

  private static java.time.Duration timeout(String text) {
    try {
      java.time.Duration timeout = dev.corvus.dns.server.corefile.GoDuration.parse(text);
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException();
      }
      return timeout;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("-timeout must be a positive duration such as 2s, got '" + text + "'");
    }
  }

  private static String value(String[] args, int index, String flag) {
    if (index >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[index];
  }

  private static int port(String text) {
    try {
      int port = Integer.parseInt(text);
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("-dns.port must be a port number, got '" + text + "'");
    }
  }
}
