package dev.corvus.dns.api;

import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Message;

/**
 * One step of a server block's request pipeline, in the style of OkHttp's interceptor.
 *
 * <p>A handler receives the {@link Chain}, whose {@link Chain#request()} is the query as the
 * previous handlers left it, and returns the eventual response. It may
 *
 * <ul>
 *   <li>answer: return a response without calling {@link Chain#proceed};
 *   <li>pass on: {@code return chain.proceed(chain.request())};
 *   <li>pass on a modified request: {@code chain.proceed(chain.request().withMessage(m))};
 *   <li>transform what the rest of the chain returned: {@code chain.proceed(r).thenApply(...)}.
 * </ul>
 *
 * <p>Handlers run on the I/O thread that read the query and must never block it. A handler that
 * answers from memory returns an already completed stage ({@link
 * java.util.concurrent.CompletableFuture#completedFuture}); one that does I/O returns a stage that
 * completes later, from any thread. An exceptional completion becomes SERVFAIL (or the rcode of a
 * {@link DnsException}) when it reaches the server.
 *
 * <p>The server takes ownership of the returned message and sets its ID, QR flag and OPT record
 * before encoding it, so a handler returns a message of its own for each query, never a shared
 * instance.
 *
 * <p>A handler is shared by every query of its server block and so must be thread-safe.
 */
@FunctionalInterface
public interface Handler {

  /**
   * Handles one query.
   *
   * @param chain the query and the rest of the pipeline
   * @return the eventual response; never {@code null}
   */
  CompletionStage<Message> handle(Chain chain);
}
