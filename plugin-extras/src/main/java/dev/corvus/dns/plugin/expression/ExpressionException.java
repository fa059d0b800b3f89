package dev.corvus.dns.plugin.expression;

/** An expression that does not parse or does not type-check; the message says where and why. */
public final class ExpressionException extends Exception {

  private static final long serialVersionUID = 1L;

  ExpressionException(String message) {
    super(message);
  }
}
