package dev.corvus.dns.plugin.errors;

import org.slf4j.Logger;
import org.slf4j.event.Level;

/** Where the {@code errors} plugin writes; slf4j in production, a recorder in tests. */
@FunctionalInterface
interface ErrorLog {

  /**
   * @param level the line's level
   * @param message the line
   * @param stackTrace the failure whose stack trace is logged too, or {@code null}
   */
  void log(Level level, String message, Throwable stackTrace);

  static ErrorLog slf4j(Logger logger) {
    return (level, message, stackTrace) -> {
      if (stackTrace == null) {
        logger.atLevel(level).log(message);
      } else {
        logger.atLevel(level).setCause(stackTrace).log(message);
      }
    };
  }
}
