package dev.corvus.dns.server.plugin;

/**
 * Where a factory came from.
 *
 * @param location the jar or directory, as a path or class-path entry
 * @param version the jar's {@code Implementation-Version}, or {@code unknown}
 */
public record PluginOrigin(String location, String version) {
  @Override
  public String toString() {
    return location;
  }
}
