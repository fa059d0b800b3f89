package dev.corvus.dns.plugin.template;

import com.google.re2j.Matcher;
import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.DnsException;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.plugin.Resolver;
import dev.corvus.dns.plugin.expression.Expression;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Answers queries of its class, type and zones whose name matches one of its regexes with records
 * built from its templates. A query of another class or type goes on; a name in its zones that
 * no regex matches is SERVFAIL unless it falls through (CoreDNS).
 */
final class TemplateHandler implements Handler {

  /** dnsjava's reading of a record without TTL gets Go's dns.NewRR default. */
  private static final long DEFAULT_TTL = 3600;

  private final TemplateConfig config;
  private final String server;
  private final Counter matches;
  private final Counter templateFailures;
  private final Counter rrFailures;
  private final Resolver resolver;

  TemplateHandler(TemplateConfig config, String server, Counter matches, Counter templateFailures, Counter rrFailures,
      Resolver resolver) {
    this.resolver = resolver;
    this.config = config;
    this.server = server;
    this.matches = matches;
    this.templateFailures = templateFailures;
    this.rrFailures = rrFailures;
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    Name zone = Names.longestMatch(request.qname(), config.zones());
    if (zone == null || !classAndTypeMatch(request)) {
      return chain.proceed(request);
    }
    String name = request.lowerName();
    for (NamePattern regex : config.regexes()) {
      Matcher m = regex.pattern().matcher(name);
      if (m.find()) {
        QueryData data = data(request, zone, m, regex.groupNames());
        if (config.variables().isEmpty() && config.conditions().isEmpty()) {
          return answer(request, data);
        }
        return evaluated(chain, request, data);
      }
    }
    if (config.fallthrough().covers(request.qname())) {
      return chain.proceed(request);
    }
    return Responses.completedError(request, Rcode.SERVFAIL);
  }

  /**
   * Sets the {@code var}s and tests the {@code expr}s for a query a regex matched, as CoreDNS:
   * an error in either is SERVFAIL (even with fallthrough); an {@code expr} that is not {@code
   * true} is a name that did not match (fallthrough, else SERVFAIL).
   */
  private CompletionStage<Message> evaluated(Chain chain, Request request, QueryData data) {
    Expression.Bindings bindings = new Expression.Bindings(data.match(), data.groups(), config.variables().size());
    Map<String, Object> vars = new LinkedHashMap<>();
    try {
      for (int i = 0; i < config.variables().size(); i++) {
        TemplateConfig.Variable variable = config.variables().get(i);
        Object value = variable.value().evaluate(request, bindings);
        bindings.set(i, value);
        vars.put(variable.name(), value);
      }
      for (Expression condition : config.conditions()) {
        if (!Boolean.TRUE.equals(condition.evaluate(request, bindings))) {
          if (config.fallthrough().covers(request.qname())) {
            return chain.proceed(request);
          }
          return Responses.completedError(request, Rcode.SERVFAIL);
        }
      }
    } catch (IllegalArgumentException e) {
      return Responses.completedError(request, Rcode.SERVFAIL);
    }
    return answer(request, new QueryData(data.name(), data.zone(), data.qclass(), data.qtype(), data.message(),
        data.question(), data.remote(), data.match(), data.groups(), data.metadata(), Collections.unmodifiableMap(vars)));
  }

  private boolean classAndTypeMatch(Request request) {
    boolean dclass = config.qclass() == DClass.ANY || request.qclass() == DClass.ANY || request.qclass() == config.qclass();
    boolean type = config.qtype() == Type.ANY || request.qtype() == Type.ANY || request.qtype() == config.qtype();
    return dclass && type;
  }

  private QueryData data(Request request, Name zone, Matcher m, List<String> groupNames) {
    List<String> match = new ArrayList<>();
    Map<String, String> groups = new HashMap<>();
    for (int i = 0; i <= m.groupCount(); i++) {
      String group = m.group(i) == null ? "" : m.group(i);
      match.add(group);
      groups.put(Integer.toString(i), group);
    }
    for (String groupName : groupNames) {
      String group = m.group(groupName);
      groups.put(groupName, group == null ? "" : group);
    }
    // CoreDNS shows the template's own class and type when the query asked for ANY
    int qclass = request.qclass() == DClass.ANY ? config.qclass() : request.qclass();
    int qtype = request.qtype() == Type.ANY ? config.qtype() : request.qtype();
    return new QueryData(
        request.lowerName(),
        Names.lowerCase(zone),
        DClass.string(qclass),
        Type.string(qtype),
        request.message().toString(),
        request.question().toString(),
        request.client().getAddress().getHostAddress(),
        List.copyOf(match),
        Map.copyOf(groups),
        label -> request.context().metadata(label).orElse(""),
        Map.of());
  }

  private CompletionStage<Message> answer(Request request, QueryData data) {
    // Explanations leave metrics unchanged.
    boolean counted = !request.context().explaining();
    if (counted) {
      matches.labels(server, data.zone(), "", data.qclass(), data.qtype()).inc();
    }
    if (config.rcode() == Rcode.SERVFAIL) {
      return Responses.completedError(request, Rcode.SERVFAIL);
    }
    Message response = Responses.answer(request);
    response.getHeader().setRcode(config.rcode());
    List<Record> answers;
    try {
      answers = render(Section.ANSWER, "answer", config.answer(), data, counted);
      for (Record r : render(Section.ADDITIONAL, "additional", config.additional(), data, counted)) {
        response.addRecord(r, Section.ADDITIONAL);
      }
      for (Record r : render(Section.AUTHORITY, "authority", config.authority(), data, counted)) {
        response.addRecord(r, Section.AUTHORITY);
      }
    } catch (DnsException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (config.extendedError() != null) {
      // RFC 8914; the server keeps the OPT record's options when the client sent EDNS0
      response.addRecord(new OPTRecord(4096, 0, 0, 0, List.of(new ExtendedErrorCodeOption(
          config.extendedError().code(), config.extendedError().reason()))), Section.ADDITIONAL);
    }
    // CoreDNS resolves the targets of templated CNAMEs for A and AAAA queries (its upstream),
    // each answer following its CNAME
    CompletionStage<Message> result = CompletableFuture.completedFuture(response);
    boolean resolve = request.qtype() == Type.A || request.qtype() == Type.AAAA;
    for (Record r : answers) {
      result = result.thenApply(m -> {
        m.addRecord(r, Section.ANSWER);
        return m;
      });
      if (resolve && r instanceof CNAMERecord cname) {
        result = result.thenCompose(m -> lookUp(request, cname.getTarget()).thenApply(up -> {
          if (up != null) {
            for (Record a : up.getSection(Section.ANSWER)) {
              m.addRecord(a, Section.ANSWER);
            }
            if (up.getHeader().getFlag(Flags.TC)) {
              m.getHeader().setFlag(Flags.TC);
            } else {
              m.getHeader().unsetFlag(Flags.TC);
            }
          }
          return m;
        }));
      }
    }
    return result;
  }

  /** The answer for {@code target} through the server, or {@code null} when the lookup failed. */
  private CompletionStage<Message> lookUp(Request request, Name target) {
    Message query = request.message().clone();
    query.removeAllRecords(Section.QUESTION);
    query.addRecord(Record.newRecord(target, request.qtype(), request.qclass()), Section.QUESTION);
    return resolver.resolve(query).exceptionally(failure -> null);
  }

  private List<Record> render(int section, String sectionName, List<RrTemplate> templates, QueryData data,
      boolean counted) {
    List<Record> records = new ArrayList<>();
    for (RrTemplate template : templates) {
      String text;
      try {
        text = template.render(data);
      } catch (RrTemplate.RenderException e) {
        if (counted) {
          templateFailures.labels(server, data.zone(), "", data.qclass(), data.qtype(), sectionName, template.source()).inc();
        }
        throw new DnsException(Rcode.SERVFAIL, "template: " + sectionName + " \"" + template.source() + "\": " + e.getMessage());
      }
      try {
        records.add(parseRecord(text));
      } catch (IOException e) {
        if (counted) {
          rrFailures.labels(server, data.zone(), "", data.qclass(), data.qtype(), sectionName, template.source()).inc();
        }
        throw new DnsException(Rcode.SERVFAIL, "template: " + sectionName + " \"" + text + "\" is not a record: " + e.getMessage(), e);
      }
    }
    return records;
  }

  /** Reads one record in master-file syntax, relative names taken from the root. */
  static Record parseRecord(String text) throws IOException {
    try (Master master = new Master(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), Name.root, DEFAULT_TTL)) {
      Record record = master.nextRecord();
      if (record == null) {
        throw new IOException("empty record");
      }
      return record;
    }
  }
}
