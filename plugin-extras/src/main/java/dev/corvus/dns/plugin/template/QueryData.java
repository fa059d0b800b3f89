package dev.corvus.dns.plugin.template;

import java.util.List;
import java.util.Map;

/**
 * What a template can show of one matched query (CoreDNS's template data).
 *
 * @param name the query name in lower case, absolute
 * @param zone the matched zone
 * @param qclass the class, e.g. {@code IN}
 * @param qtype the type, e.g. {@code A}
 * @param message the whole query in presentation format
 * @param question the question in presentation format
 * @param remote the client's IP address
 * @param match the regex's groups, 0 the whole match
 * @param groups the groups by name, and by number as strings
 * @param metadata a metadata label's value for the query, empty when none was published
 * @param vars the values of the template's {@code var}s, in declaration order
 */
record QueryData(
    String name,
    String zone,
    String qclass,
    String qtype,
    String message,
    String question,
    String remote,
    List<String> match,
    Map<String, String> groups,
    java.util.function.Function<String, String> metadata,
    Map<String, Object> vars) {}
