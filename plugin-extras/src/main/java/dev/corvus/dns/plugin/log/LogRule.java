package dev.corvus.dns.plugin.log;

import java.util.Set;
import org.xbill.DNS.Name;

/**
 * One name scope of a {@code log} directive.
 *
 * @param scope queries for this name or below it are logged by this rule
 * @param format the parsed log line format
 * @param classes the response classes logged; contains {@link ResponseClass#ALL} by default
 */
public record LogRule(Name scope, LogFormat format, Set<ResponseClass> classes) {

  /** Copies the set. */
  public LogRule {
    classes = Set.copyOf(classes);
  }

  /** Whether a response of class {@code c} is logged. */
  boolean logs(ResponseClass c) {
    return classes.contains(ResponseClass.ALL) || classes.contains(c);
  }
}
