package dev.corvus.dns.plugin.kubernetes;

import java.util.Locale;

/** The key under which a Service and its endpoints are indexed. */
final class ServiceKeys {

  private ServiceKeys() {}

  /** {@code name.namespace} in lower case, the order of the labels in the DNS name. */
  static String of(String namespace, String name) {
    return (name + "." + namespace).toLowerCase(Locale.ROOT);
  }
}
