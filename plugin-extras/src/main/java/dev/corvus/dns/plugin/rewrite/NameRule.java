package dev.corvus.dns.plugin.rewrite;

import dev.corvus.dns.api.Request;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;

/**
 * {@code name [exact|prefix|suffix|substring|regex] FROM TO [answer auto | answer name FROM TO |
 * answer value FROM TO]...}: rewrites the query name. With {@code answer auto} (always for
 * {@code exact}) names in the response are mapped back: suffix, prefix and substring rules by
 * exchanging FROM and TO, the others by mapping the rewritten name to the asked one.
 *
 * @param match how the query name is recognised
 * @param replacement the new name, or for prefix, suffix and substring the replacing part; for
 *     regex a template with {@code {N}} groups
 * @param auto whether names are mapped back automatically
 * @param answerRules the explicit {@code answer name|value} rules
 */
record NameRule(NameMatch match, String replacement, boolean auto, List<Rule.ResponseRule> answerRules)
    implements Rule {

  NameRule {
    answerRules = List.copyOf(answerRules);
  }

  @Override
  public Rewrite apply(Request request) throws RewriteException {
    String lower = request.lowerName();
    String[] groups = match.match(lower);
    if (groups == null) {
      return null;
    }
    String rewritten = match.rewrite(lower, groups, replacement);
    Name newName;
    try {
      newName = Name.fromString(rewritten);
    } catch (TextParseException e) {
      throw new RewriteException("rewritten name \"" + rewritten + "\" is not a domain name: " + e.getMessage());
    }
    Record question = Record.newRecord(newName, request.qtype(), request.qclass());
    List<ResponseRule> responseRules = new ArrayList<>();
    if (auto || match instanceof NameMatch.Exact) {
      NameRewriter back = match.reverse(replacement, newName, request.qname());
      responseRules.add(ResponseNames.owners(back));
      responseRules.add(ResponseNames.values(back));
    }
    responseRules.addAll(answerRules);
    return new Rewrite(Rule.withQuestion(request.message(), question), responseRules);
  }
}
