package dev.corvus.dns.server.cli;

import java.nio.file.Path;

/**
 * The command line, with CoreDNS's flag names.
 *
 * @param command {@code serve}, {@code check}, {@code plugins}, {@code version} or {@code help}
 * @param conf the Corefile, or {@code null}
 * @param dnsPort the port of keys without one
 * @param pluginDirectory the plugins directory, or {@code null}
 * @param rest the arguments of {@code query}
 */
record Options(String command, Path conf, int dnsPort, Path pluginDirectory, java.util.List<String> rest) {

  static final String USAGE = """
      usage: corvus [-conf FILE] [-dns.port PORT] [-plugins DIR]   serve DNS
             corvus check -conf FILE [-plugins DIR]                 validate a Corefile, bind nothing
             corvus plugins [-plugins DIR]                          list directives in chain order
             corvus query [@SERVER[:PORT]] NAME [TYPE] [+tcp] [+dnssec]   ask a server, as dig does
             corvus -version""";

  static Options parse(String[] args) {
    if (args.length > 0 && args[0].equals("query")) {
      return new Options("query", null, 53, null, java.util.List.of(args).subList(1, args.length));
    }
    String command = "serve";
    Path conf = null;
    int port = 53;
    String home = System.getProperty("corvus.home");
    Path plugins = home == null ? null : Path.of(home, "plugins");
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "check", "plugins" -> {
          if (i != 0) {
            throw new IllegalArgumentException("'" + arg + "' must come first");
          }
          command = arg;
        }
        case "-conf", "--conf" -> conf = Path.of(value(args, ++i, arg));
        case "-dns.port", "--dns.port" -> port = port(value(args, ++i, arg));
        case "-plugins", "--plugins" -> plugins = Path.of(value(args, ++i, arg));
        case "-version", "--version" -> command = "version";
        case "-h", "-help", "--help" -> command = "help";
        default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
      }
    }
    return new Options(command, conf, port, plugins, java.util.List.of());
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
