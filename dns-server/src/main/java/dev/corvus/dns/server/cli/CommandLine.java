package dev.corvus.dns.server.cli;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.xbill.DNS.Name;

/**
 * Every subcommand's syntax, in one place: the {@code corvus} command line as the README
 * documents it, with CoreDNS's flag names for serving. Commands read their arguments through the
 * options and operands declared here, already of their kind.
 */
final class CommandLine {

  // serving, check, plugins, doctor
  static final Option<Path> CONF = Option.path("-conf", "FILE");
  static final Option<Integer> DNS_PORT = Option.port("-dns.port", "PORT", 53);
  static final Option<Path> PLUGIN_DIRECTORY = Option.path("-plugins", "DIR");
  static final Option<Boolean> VERSION = Option.flag("-version");
  static final Option<Duration> TIMEOUT = Option.duration("-timeout", "DURATION", Duration.ofSeconds(2));

  // query, as dig writes them
  static final Option<HostAndPort> SERVER = Option.address("@", "SERVER[:PORT]", 53);
  static final Option<Boolean> TCP = Option.flag("+tcp");
  static final Option<Boolean> DNSSEC = Option.flag("+dnssec");
  static final Operand<Name> NAME = Operand.domainName("NAME");
  static final Operand<Integer> TYPE = Operand.recordType("TYPE");

  // explain and inspect; the admin endpoint's address defaults to the admin directive's
  static final Option<HostAndPort> ADMIN = Option.address("-admin", "HOST:PORT", 9154);
  static final Option<InetAddress> CLIENT = Option.ip("--client", "IP");
  static final Option<Boolean> JSON = Option.flag("--json");
  static final Operand<String> TOPIC = Operand.word("TOPIC");
  static final Operand<String> ACTION = Operand.word("ACTION");

  // test
  static final Option<Duration> READY_TIMEOUT = Option.duration("-timeout", "DURATION", Duration.ofSeconds(30));
  static final Option<Path> JUNIT = Option.path("--junit", "FILE");
  static final Option<Boolean> VERBOSE = Option.flag("-v");
  static final Operand<Path> TEST_FILES = Operand.path("FILE");

  // check and doctor take -dns.port too (the port of Corefile keys without one), as serving does
  static final CommandSyntax CHECK = CommandSyntax.command("check",
          "corvus check -conf FILE [-plugins DIR]", "validate a Corefile, bind nothing")
      .required(CONF).options(PLUGIN_DIRECTORY, DNS_PORT).build();
  static final CommandSyntax PLUGINS = CommandSyntax.command("plugins",
          "corvus plugins [-plugins DIR]", "list directives in chain order")
      .options(PLUGIN_DIRECTORY).build();
  static final CommandSyntax DOCTOR = CommandSyntax.command("doctor",
          "corvus doctor -conf FILE [-plugins DIR] [-timeout 2s]", "check loops, upstreams, API access")
      .required(CONF).options(PLUGIN_DIRECTORY, DNS_PORT, TIMEOUT).build();
  static final CommandSyntax TEST = CommandSyntax.command("test",
          "corvus test [-plugins DIR] [--junit FILE] [-v] [-timeout 30s] FILE...",
          "run a configuration's tests (YAML files), bind nothing")
      .options(PLUGIN_DIRECTORY, DNS_PORT, READY_TIMEOUT, JUNIT, VERBOSE).repeatedOperand(TEST_FILES).build();
  static final CommandSyntax QUERY = CommandSyntax.command("query",
          "corvus query [@SERVER[:PORT]] NAME [TYPE] [+tcp] [+dnssec]", "ask a server, as dig does")
      .options(SERVER, TCP, DNSSEC).operand(NAME).optionalOperand(TYPE).build();
  static final CommandSyntax EXPLAIN = CommandSyntax.command("explain",
          "corvus explain [-admin HOST:PORT] NAME [TYPE] [--client IP] [--json]",
          "why a server answers what it does")
      .options(ADMIN, CLIENT, JSON).operand(NAME).optionalOperand(TYPE).build();
  static final CommandSyntax INSPECT = CommandSyntax.command("inspect",
          "corvus inspect [-admin HOST:PORT] [config | TOPIC [ACTION]] [KEY=VALUE...]",
          "a running server's state")
      .options(ADMIN).optionalOperand(TOPIC).optionalOperand(ACTION).parameters().build();

  /** The subcommands a first word selects. */
  static final List<CommandSyntax> SUBCOMMANDS = List.of(CHECK, PLUGINS, DOCTOR, TEST, QUERY, EXPLAIN, INSPECT);

  /** Serving: no subcommand word. {@code -version} and {@code -help} make it print instead. */
  static final CommandSyntax SERVE = CommandSyntax.command("",
          "corvus [-conf FILE] [-dns.port PORT] [-plugins DIR]", "serve DNS")
      .options(CONF, DNS_PORT, PLUGIN_DIRECTORY, VERSION)
      .subcommands(SUBCOMMANDS.stream().map(CommandSyntax::name).toList())
      .build();

  private CommandLine() {}

  /** A command line split into the subcommand it selects and its arguments. */
  record Invocation(CommandSyntax syntax, Arguments arguments) {}

  /**
   * Reads a whole command line: a first word that names a subcommand selects it; otherwise it serves.
   *
   * @throws UsageException naming the argument that does not fit and what was expected
   */
  static Invocation parse(String[] args) throws UsageException {
    CommandSyntax syntax = subcommand(args);
    List<String> rest = Arrays.asList(args).subList(syntax == SERVE ? 0 : 1, args.length);
    return new Invocation(syntax, syntax.parse(rest));
  }

  /** The syntax a command line selects. */
  static CommandSyntax subcommand(String[] args) {
    if (args.length > 0) {
      for (CommandSyntax subcommand : SUBCOMMANDS) {
        if (subcommand.name().equals(args[0])) {
          return subcommand;
        }
      }
    }
    return SERVE;
  }

  /** Every subcommand's usage line with what it does. */
  static String usage() {
    StringBuilder usage = new StringBuilder();
    String indent = "usage: ";
    for (CommandSyntax syntax : Stream.concat(Stream.of(SERVE), SUBCOMMANDS.stream()).toList()) {
      usage.append(line(indent, syntax.usage(), syntax.summary()));
      indent = "       ";
    }
    return usage.append(indent).append("corvus -version").toString();
  }

  private static String line(String indent, String usage, String summary) {
    int column = 62;
    String start = indent + usage;
    if (start.length() <= column - 2) {
      return start + " ".repeat(column - start.length()) + summary + "\n";
    }
    return start + "\n" + " ".repeat(column) + summary + "\n";
  }

}
