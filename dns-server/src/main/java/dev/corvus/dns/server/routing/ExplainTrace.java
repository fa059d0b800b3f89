package dev.corvus.dns.server.routing;

import dev.corvus.dns.api.DnsException;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.capability.Explanation;
import dev.corvus.dns.api.capability.Explanation.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The steps of one explained query, recorded by the {@link Pipeline} as handlers run. */
final class ExplainTrace {

  private final List<StepRecord> steps = new ArrayList<>();

  synchronized StepRecord enter(String directive, Request request) {
    StepRecord step = new StepRecord(directive, describe(request), System.nanoTime());
    steps.add(step);
    return step;
  }

  /** The steps in the order the handlers were entered, as far as they got. */
  synchronized List<Explanation.Step> steps() {
    return steps.stream().map(StepRecord::toStep).toList();
  }

  static String describe(Request request) {
    return request.qname() + " " + Type.string(request.qtype());
  }

  /** One handler's step while it runs. */
  static final class StepRecord {
    private final String directive;
    private final String question;
    private final long enteredNanos;
    private final List<String> notes = new ArrayList<>();
    private String passedOn = "";
    private Message downstream;
    private Message response;
    private Throwable failure;
    private long tookNanos = -1;

    StepRecord(String directive, String question, long enteredNanos) {
      this.directive = directive;
      this.question = question;
      this.enteredNanos = enteredNanos;
    }

    synchronized void note(String text) {
      notes.add(text);
    }

    /** Records what the handler passed on; returns the stage the handler must see, which records the reply first. */
    synchronized CompletionStage<Message> passedOn(Request next, CompletionStage<Message> rest) {
      passedOn = describe(next);
      return rest.whenComplete((message, failure) -> {
        synchronized (this) {
          downstream = message;
        }
      });
    }

    synchronized void finish(Message message, Throwable thrown) {
      response = message;
      failure = thrown;
      tookNanos = System.nanoTime() - enteredNanos;
    }

    synchronized Explanation.Step toStep() {
      String rcode = failure != null ? Rcode.string(Pipeline.failureRcode(failure))
          : response != null ? Rcode.string(response.getRcode()) : "";
      List<String> lines = new ArrayList<>(notes);
      if (tookNanos < 0) {
        lines.add("had not answered when the explanation was taken");
      }
      if (failure != null) {
        lines.add("failed: " + Pipeline.cause(failure).getMessage());
      }
      return new Explanation.Step(directive, question, outcome(), passedOn, rcode, lines,
          Duration.ofNanos(Math.max(0, tookNanos)));
    }

    private Outcome outcome() {
      if (failure != null) {
        return Outcome.FAILED;
      }
      if (passedOn.isEmpty()) {
        return Outcome.ANSWERED;
      }
      if (!passedOn.equals(question)) {
        return Outcome.CHANGED_QUESTION;
      }
      return sameAnswer(response, downstream) ? Outcome.PASSED_ON : Outcome.CHANGED_ANSWER;
    }
  }

  /** Same rcode and the same records (TTLs aside: a cache counting them down changes nothing). */
  private static boolean sameAnswer(Message a, Message b) {
    if (a == b) {
      return true;
    }
    if (a == null || b == null || a.getRcode() != b.getRcode()) {
      return false;
    }
    for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      List<Record> left = withoutOpt(a.getSection(section));
      List<Record> right = withoutOpt(b.getSection(section));
      if (!Objects.equals(left, right)) {
        return false;
      }
    }
    return true;
  }

  private static List<Record> withoutOpt(List<Record> records) {
    return records.stream().filter(r -> r.getType() != Type.OPT).toList();
  }
}
