package dev.corvus.dns.api.tap;

import dev.corvus.dns.api.QueryContext;
import java.net.InetSocketAddress;
import java.util.Objects;
import org.xbill.DNS.Message;

/**
 * Told about every exchange a handler has with another server on behalf of one query. Observers
 * attach themselves to the query's context ({@link #attach}) before they pass the query on; a
 * handler doing I/O reads them with {@link #of} and reports each attempt: {@link #started} when
 * the query is sent, {@link Exchange#finished} when the answer or the failure is known. A query
 * nobody observes gets {@link #NONE}, so reporting costs a context lookup and nothing else.
 *
 * <p>Both calls run on the thread of the exchange (normally the query's I/O thread): they must be
 * quick and must not block, and they must not modify the messages.
 */
public interface ExchangeObserver {

  /** Where the observers of a query are kept in its {@link QueryContext}. */
  QueryContext.Key<ExchangeObserver> KEY = new QueryContext.Key<>("dev.corvus.dns.api.tap.ExchangeObserver");

  /** An observer that ignores everything. */
  ExchangeObserver NONE = (role, plugin, server, tcp, query) -> Exchange.IGNORED;

  /** What the asking server is to the server it asks, as dnstap names the roles. */
  enum Role {
    /** A forwarder passing a client's query on to an upstream ({@code forward}). */
    FORWARDER,
    /** A recursive resolver asking an authoritative server. */
    RESOLVER,
    /** A stub resolver asking a recursive one (the server's own lookups). */
    STUB,
    /** An authoritative server (a secondary refreshing a zone, a notify). */
    AUTH
  }

  /** One exchange under way. */
  @FunctionalInterface
  interface Exchange {

    /** An exchange nobody follows. */
    Exchange IGNORED = (response, error) -> {};

    /**
     * The exchange ended.
     *
     * @param response the answer received, or {@code null} when the exchange failed
     * @param error why it failed, or {@code null} when it was answered
     */
    void finished(Message response, Throwable error);
  }

  /**
   * A query was sent to another server.
   *
   * @param role what this server is to the one it asks
   * @param plugin the directive doing the exchange, e.g. {@code forward}
   * @param server the address the query went to
   * @param tcp whether it went over a stream (TCP or TLS) rather than UDP
   * @param query the query as sent on the wire (without TCP length prefix); not to be modified
   * @return what is told when the exchange ends, never {@code null}
   */
  Exchange started(Role role, String plugin, InetSocketAddress server, boolean tcp, byte[] query);

  /** The observers of the query with this context, or {@link #NONE}. */
  static ExchangeObserver of(QueryContext context) {
    ExchangeObserver observer = context.get(KEY);
    return observer == null ? NONE : observer;
  }

  /**
   * Adds {@code observer} to the query's observers; those already attached keep being told, in
   * the order they were attached.
   */
  static void attach(QueryContext context, ExchangeObserver observer) {
    Objects.requireNonNull(observer, "observer");
    ExchangeObserver existing = context.get(KEY);
    context.put(KEY, existing == null ? observer : both(existing, observer));
  }

  private static ExchangeObserver both(ExchangeObserver first, ExchangeObserver second) {
    return (role, plugin, server, tcp, query) -> {
      Exchange a = first.started(role, plugin, server, tcp, query);
      Exchange b = second.started(role, plugin, server, tcp, query);
      return (response, error) -> {
        a.finished(response, error);
        b.finished(response, error);
      };
    };
  }
}
