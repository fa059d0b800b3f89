package dev.corvus.dns.plugin.forward;

/** Why an exchange with an upstream produced no answer. */
class UpstreamException extends Exception {
  private static final long serialVersionUID = 1L;

  UpstreamException(String message) {
    super(message, null, false, false);
  }

  UpstreamException(String message, Throwable cause) {
    super(message, cause, false, false);
  }

  /** No answer arrived within the attempt's timeout. */
  static final class Timeout extends UpstreamException {
    private static final long serialVersionUID = 1L;

    Timeout(String upstream, long nanos) {
      super(upstream + ": no answer within " + nanos / 1_000_000 + " ms");
    }
  }

  /**
   * The kernel reported that nobody listens at the upstream's address (an ICMP port or host
   * unreachable on the connected UDP socket): the attempt fails at once instead of timing out.
   */
  static final class Unreachable extends UpstreamException {
    private static final long serialVersionUID = 1L;

    Unreachable(String upstream, java.io.IOException cause) {
      super(upstream + ": " + describe(cause), cause);
    }

    private static String describe(java.io.IOException cause) {
      if (cause instanceof java.net.PortUnreachableException) {
        return "port unreachable (ICMP)";
      }
      String message = cause.getMessage();
      return "unreachable (" + (message == null ? cause.getClass().getSimpleName() : message) + ")";
    }
  }

  /**
   * A pooled connection was closed by the upstream before it answered; the query is sent again on
   * another connection, as CoreDNS retries on {@code ErrCachedClosed}.
   */
  static final class CachedConnectionClosed extends UpstreamException {
    private static final long serialVersionUID = 1L;

    CachedConnectionClosed(String upstream) {
      super(upstream + ": cached connection was closed by peer");
    }
  }
}
