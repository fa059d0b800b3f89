package dev.corvus.dns.api.capability;

import java.time.Duration;
import java.util.List;
import org.xbill.DNS.Message;

/**
 * What the server did with one synthetic query ({@code corvus explain}): the server block that
 * matched and each handler's step in chain order.
 *
 * @param server the matched server block's listener, e.g. {@code dns://:53}
 * @param zone the matched zone, e.g. {@code cluster.local.}
 * @param steps the handlers that ran, in the order they were entered
 * @param response the final response
 * @param took the time from entering the chain to the final response
 */
public record Explanation(String server, String zone, List<Step> steps, Message response, Duration took) {

  /** Copies {@code steps}. */
  public Explanation {
    steps = List.copyOf(steps);
  }

  /** What one handler did. */
  public enum Outcome {
    /** It answered without calling the rest of the chain. */
    ANSWERED,
    /** It called the rest of the chain and returned that response unchanged. */
    PASSED_ON,
    /** It changed the question before passing the query on. */
    CHANGED_QUESTION,
    /** It changed the response the rest of the chain returned. */
    CHANGED_ANSWER,
    /** Its stage failed; the server answered SERVFAIL or the failure's rcode. */
    FAILED
  }

  /**
   * One handler's step.
   *
   * @param directive the handler's directive
   * @param question the question as the handler received it, e.g. {@code www.example.org. A}
   * @param outcome what it did
   * @param passedOn the question it passed on, or the empty string when it did not
   * @param rcode the rcode of the response it returned, e.g. {@code NOERROR}
   * @param notes what the handler said about its work (see {@link dev.corvus.dns.api.Chain#note})
   * @param took the time from entering the handler to its response, downstream work included
   */
  public record Step(String directive, String question, Outcome outcome, String passedOn, String rcode,
      List<String> notes, Duration took) {

    /** Copies {@code notes}. */
    public Step {
      notes = List.copyOf(notes);
    }
  }
}
