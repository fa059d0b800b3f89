package dev.corvus.dns.plugin.rewrite;

import dev.corvus.dns.api.Request;
import java.util.List;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/** One rewrite rule: how it changes a query, and what it then does to the response. */
interface Rule {

  /**
   * Rewrites the query.
   *
   * @return the rewritten query and the rules for its response, or {@code null} when the rule
   *     does not apply to this query
   * @throws RewriteException when the rewritten name is not a valid domain name
   */
  Rewrite apply(Request request) throws RewriteException;

  /**
   * A query changed by a rule.
   *
   * @param query the query to pass on
   * @param responseRules what to do to the response, in order
   * @param matched whether the rule applied, so that {@code stop} ends the rewriting; an edns0
   *     rule that only gave the query an OPT record did not
   */
  record Rewrite(Message query, List<ResponseRule> responseRules, boolean matched) {

    /** A rewrite by a rule that applied. */
    Rewrite(Message query, List<ResponseRule> responseRules) {
      this(query, responseRules, true);
    }
  }

  /** Changes a response; it is given a private copy that it may modify. */
  @FunctionalInterface
  interface ResponseRule {
    void apply(Message response);
  }

  /** A rewrite that produced something that is not a DNS name; the client gets SERVFAIL. */
  final class RewriteException extends Exception {
    private static final long serialVersionUID = 1L;

    RewriteException(String message) {
      super(message);
    }
  }

  /** A copy of {@code query} with {@code question} as its question. */
  static Message withQuestion(Message query, Record question) {
    Message copy = query.clone();
    copy.removeAllRecords(Section.QUESTION);
    copy.addRecord(question, Section.QUESTION);
    return copy;
  }
}
