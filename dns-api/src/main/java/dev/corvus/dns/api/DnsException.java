package dev.corvus.dns.api;

import org.xbill.DNS.Rcode;

/**
 * A failure that should reach the client as a particular rcode. A handler completes its stage
 * exceptionally with it when it cannot produce a response (CoreDNS's "return rcode, err"); the
 * server answers with {@link #rcode()} and the {@code errors} plugin logs the message. Any other
 * exception becomes SERVFAIL.
 *
 * <p>A {@code DnsException} is a signal, not a bug report: it carries no stack trace of its own
 * (the cause keeps its own), so failing a query with it costs no more than allocating it.
 */
public class DnsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The pseudo rcode of {@link #drop}: no response is sent at all. */
  public static final int DROP = -1;
  /** The pseudo rcode of {@link #shed}: the server is overloaded. */
  public static final int SHED = -2;

  private final int rcode;

  /**
   * @param rcode the response code to answer with, e.g. {@link Rcode#SERVFAIL}
   * @param message what went wrong, for the logs
   */
  public DnsException(int rcode, String message) {
    this(rcode, message, null);
  }

  /**
   * @param rcode the response code to answer with
   * @param message what went wrong, for the logs
   * @param cause the underlying failure, or {@code null}
   */
  public DnsException(int rcode, String message, Throwable cause) {
    super(message, cause, false, false);
    this.rcode = rcode;
  }

  /**
   * A failure that sends no response at all (the client times out), as {@code acl drop} does.
   * The server counts it as a dropped query.
   *
   * @param reason why the query was dropped, for debug logs
   */
  public static DnsException drop(String reason) {
    return new DnsException(DROP, reason);
  }

  /**
   * A query given up because the server is at its bound of queries waiting on I/O (see {@link
   * QueryContext#overloaded()}): a kind of {@link #isDrop() drop} that the server counts as shed
   * load rather than as dropped, and answers REFUSED over TCP, whose client waits for an answer.
   *
   * @param reason why the query was given up, for debug logs
   */
  public static DnsException shed(String reason) {
    return new DnsException(SHED, reason);
  }

  /** Whether no response is to be sent over UDP: a {@link #drop}, or a query {@link #shed}. */
  public boolean isDrop() {
    return rcode == DROP || rcode == SHED;
  }

  /** Whether the query was given up as shed load ({@link #shed}). */
  public boolean isShed() {
    return rcode == SHED;
  }

  /** The response code the client receives, or {@link #DROP} or {@link #SHED}. */
  public int rcode() {
    return rcode;
  }
}
