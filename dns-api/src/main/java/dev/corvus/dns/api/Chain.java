package dev.corvus.dns.api;

import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Message;

/**
 * The position of one handler in a server block's pipeline: the request it is given and the way
 * on to the handlers after it.
 */
public interface Chain {

  /** The query as the handlers before this one left it. */
  Request request();

  /**
   * Runs the rest of the pipeline with {@code request}. When no handler after this one answers,
   * the stage completes with SERVFAIL, as CoreDNS answers when no plugin is left.
   *
   * @param request the query to pass on, usually {@link #request()} or a copy of it made with
   *     {@link Request#withMessage}
   * @return the eventual response of the rest of the pipeline
   */
  CompletionStage<Message> proceed(Request request);

  /**
   * Whether a handler follows this one. Plugins with {@code fallthrough} use it to decide between
   * passing a name on and answering NXDOMAIN themselves.
   */
  boolean hasNext();

  /**
   * Whether this query is an explanation ({@code corvus explain}): a synthetic query the server
   * runs to report what each handler does. Handlers must then leave no trace: no cache inserts or
   * recency updates, no metrics, no upstream health or RTT bookkeeping. They may still ask
   * upstreams, and they should say what they did with {@link #note}.
   */
  default boolean explaining() {
    return request().context().explaining();
  }

  /**
   * Adds a line to this handler's step of an explanation (e.g. {@code cache miss} or {@code
   * upstream 10.0.0.2:53 healthy, rtt 3 ms}); ignored unless {@link #explaining()}. Build the
   * text only when explaining, so the hot path pays nothing.
   */
  default void note(String text) {}
}
