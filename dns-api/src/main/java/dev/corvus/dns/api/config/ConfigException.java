package dev.corvus.dns.api.config;

/**
 * A Corefile error a user can act on. Its message reads {@code file:line: directive: message},
 * the form in which the server prints it.
 */
public class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Location location;
  private final String directive;
  private final String detail;

  /**
   * @param location where the offending token stands
   * @param directive the directive being parsed, or {@code null} for grammar errors outside one
   * @param detail what is wrong and what was expected
   */
  public ConfigException(Location location, String directive, String detail) {
    super(format(location, directive, detail));
    this.location = location;
    this.directive = directive;
    this.detail = detail;
  }

  private static String format(Location location, String directive, String detail) {
    return location + ": " + (directive == null ? "" : directive + ": ") + detail;
  }

  /** Where the error is. */
  public Location location() {
    return location;
  }

  /** The directive whose configuration is wrong, or {@code null}. */
  public String directive() {
    return directive;
  }

  /** The message without location and directive. */
  public String detail() {
    return detail;
  }
}
