package dev.corvus.dns.plugin.forward;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Record;

/** Whether a parsed message is an answer to the question asked (the ID is checked before). */
final class AnswerCheck {

  private AnswerCheck() {}

  /**
   * True when {@code answer} is a response (QR) whose question is {@code question} (name compared
   * case-insensitively, RFC 4343) or has no question, as some servers send with FORMERR/NOTIMP.
   */
  static boolean answers(org.xbill.DNS.Message answer, Record question) {
    if (!answer.getHeader().getFlag(Flags.QR)) {
      return false;
    }
    Record asked = answer.getQuestion();
    if (asked == null) {
      return true;
    }
    return asked.getName().equals(question.getName())
        && asked.getType() == question.getType()
        && asked.getDClass() == question.getDClass();
  }
}
