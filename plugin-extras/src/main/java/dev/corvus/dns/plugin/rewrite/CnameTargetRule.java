package dev.corvus.dns.plugin.rewrite;

import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.plugin.Resolver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;

/**
 * {@code cname [MATCH] FROM TO}: rewrites the target of a CNAME in the answer and replaces what
 * followed it with the answer for the new target, looked up through the server itself (CoreDNS's
 * {@code upstream}). Answer records before that CNAME that are CNAMEs stay; the response takes
 * the lookup's TC bit, so that a truncated answer is not cached as complete. The lookup is a
 * stage: nothing waits on the I/O thread.
 *
 * @param match how CNAME targets are recognised
 * @param replacement TO: the new target, or its part for prefix, suffix, substring and regex
 * @param resolver where the new target is looked up
 */
record CnameTargetRule(NameMatch match, String replacement, Resolver resolver) implements Rule {

  private static final Logger LOG = LoggerFactory.getLogger(CnameTargetRule.class);

  @Override
  public Rewrite apply(Request request) {
    // CoreDNS: the rule always applies to the query (it changes nothing there), so stop ends
    // the rewriting
    return new Rewrite(request.message(), List.of(), true);
  }

  /** The response with the first matching CNAME target rewritten and the rest looked up again. */
  CompletionStage<Message> rewriteResponse(Request request, Message response) {
    for (Record r : response.getSection(Section.ANSWER)) {
      if (!(r instanceof CNAMERecord cname)) {
        continue;
      }
      String target = cname.getTarget().toString();
      Name to = newTarget(target);
      if (to == null) {
        continue;
      }
      Message lookup = request.message().clone();
      lookup.removeAllRecords(Section.QUESTION);
      lookup.addRecord(Record.newRecord(to, request.qtype(), request.qclass()), Section.QUESTION);
      return resolver.resolve(lookup).handle((upstream, failure) -> {
        if (failure != null || upstream == null) {
          LOG.error("rewrite: upstream lookup of {} failed: {}", to, failure == null ? "no response" : failure.toString());
          return response;
        }
        Message copy = response.clone();
        List<Record> answer = new ArrayList<>();
        for (Record kept : response.getSection(Section.ANSWER)) {
          if (kept instanceof CNAMERecord c) {
            if (c.getTarget().toString().equals(target)) {
              answer.add(new CNAMERecord(c.getName(), c.getDClass(), c.getTTL(), to));
              break;
            }
            answer.add(c);
          }
        }
        answer.addAll(upstream.getSection(Section.ANSWER));
        copy.removeAllRecords(Section.ANSWER);
        answer.forEach(a -> copy.addRecord(a, Section.ANSWER));
        if (upstream.getHeader().getFlag(Flags.TC)) {
          copy.getHeader().setFlag(Flags.TC);
        } else {
          copy.getHeader().unsetFlag(Flags.TC);
        }
        return copy;
      });
    }
    return CompletableFuture.completedFuture(response);
  }

  /** The rewritten target of a CNAME pointing at {@code target}, or {@code null} when the rule does not match it. */
  private Name newTarget(String target) {
    String[] groups = match.match(target);
    if (groups == null) {
      return null;
    }
    String rewritten = match.rewrite(target, groups, replacement);
    try {
      return Name.fromString(rewritten.endsWith(".") ? rewritten : rewritten + ".");
    } catch (TextParseException e) {
      return null;
    }
  }
}
