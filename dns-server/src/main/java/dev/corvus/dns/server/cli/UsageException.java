package dev.corvus.dns.server.cli;

/**
 * A command line that does not fit its subcommand's syntax: the command prints the message, then
 * the subcommand's usage, and exits 2.
 */
final class UsageException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient CommandSyntax syntax;

  /**
   * @param syntax the subcommand whose usage to show
   * @param problem what is wrong, naming the argument and what was expected
   */
  UsageException(CommandSyntax syntax, String problem) {
    super(problem, null, false, false);
    this.syntax = syntax;
  }

  CommandSyntax syntax() {
    return syntax;
  }
}
