package dev.corvus.dns.api.metadata;

import java.util.function.Supplier;

/** Where a {@link MetadataProvider} publishes a query's labels. */
public interface MetadataSink {

  /**
   * Publishes {@code label}; its value is computed by {@code value} the first time a handler
   * reads it (at most once per query). A supplier returning {@code null} means "no value".
   *
   * @param label {@code plugin/name}, e.g. {@code kubernetes/client-namespace}, lower case
   */
  void put(String label, Supplier<String> value);
}
