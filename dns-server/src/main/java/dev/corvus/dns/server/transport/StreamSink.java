package dev.corvus.dns.server.transport;

import dev.corvus.dns.api.listener.QueryService.ResponseSink;

/**
 * A sink of a stream transport that learns when a query's answer spans several messages (a zone
 * transfer), so that it knows when the query is done: after {@link #continues()}, the answer is
 * complete at {@link #finished()} rather than at its first message. TCP counts answered queries
 * for {@code maxtcpqueries} with it.
 */
interface StreamSink extends ResponseSink {

  /** Called before the first message when more messages follow it. */
  void continues();

  /** Called after the last message of an answer announced by {@link #continues()}. */
  void finished();
}
