package dev.corvus.dns.plugin.template;

import dev.corvus.dns.api.Fallthrough;
import dev.corvus.dns.plugin.expression.Expression;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * One validated {@code template} directive.
 *
 * @param qclass the class it answers, or {@link org.xbill.DNS.DClass#ANY}
 * @param qtype the type it answers, or {@link org.xbill.DNS.Type#ANY}
 * @param zones the zones it answers in (the server block's by default)
 * @param regexes the patterns tried in order against the query name; {@code .*} by default
 * @param answer the answer section's templates
 * @param additional the additional section's templates
 * @param authority the authority section's templates
 * @param rcode the response code, NOERROR by default
 * @param fallthrough which unmatched names go to the next plugin
 * @param extendedError the extended DNS error (RFC 8914) the response carries, or {@code null}
 * @param variables the {@code var}s, evaluated in order once a regex matched
 * @param conditions the {@code expr}s, all of which must be true for the query to match
 */
record TemplateConfig(
    int qclass,
    int qtype,
    List<Name> zones,
    List<NamePattern> regexes,
    List<RrTemplate> answer,
    List<RrTemplate> additional,
    List<RrTemplate> authority,
    int rcode,
    Fallthrough fallthrough,
    ExtendedError extendedError,
    List<Variable> variables,
    List<Expression> conditions) {

  /**
   * {@code var NAME EXPRESSION}.
   *
   * @param name the name templates read it by, {@code .Var.NAME}
   * @param value its expression
   */
  record Variable(String name, Expression value) {}

  /**
   * {@code ederror CODE [REASON]}.
   *
   * @param code the INFO-CODE (0-65535)
   * @param reason the EXTRA-TEXT, empty when none
   */
  record ExtendedError(int code, String reason) {}

  TemplateConfig {
    zones = List.copyOf(zones);
    regexes = List.copyOf(regexes);
    answer = List.copyOf(answer);
    additional = List.copyOf(additional);
    authority = List.copyOf(authority);
    variables = List.copyOf(variables);
    conditions = List.copyOf(conditions);
  }
}
