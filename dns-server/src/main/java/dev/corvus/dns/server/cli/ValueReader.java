package dev.corvus.dns.server.cli;

/**
 * Reads the text of one command-line value into what the command uses.
 *
 * @param <T> the value's type
 */
@FunctionalInterface
interface ValueReader<T> {

  /**
   * Reads {@code text}.
   *
   * @throws Invalid saying what was expected instead
   */
  T read(String text) throws Invalid;

  /** A value that cannot be read; the message says what was expected, e.g. {@code expected a port (0-65535)}. */
  final class Invalid extends Exception {

    private static final long serialVersionUID = 1L;

    Invalid(String expected) {
      super(expected, null, false, false);
    }
  }
}
