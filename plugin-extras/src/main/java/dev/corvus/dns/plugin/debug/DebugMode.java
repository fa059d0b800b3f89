package dev.corvus.dns.plugin.debug;

/**
 * Exported through the {@link dev.corvus.dns.api.plugin.ServiceRegistry} when a configuration has
 * the {@code debug} directive. The {@code errors} plugin looks it up and then logs failures with
 * their full stack traces, as CoreDNS's debug mode makes crashes visible instead of hiding them.
 */
public final class DebugMode {

  /** The one marker value. */
  public static final DebugMode ENABLED = new DebugMode();

  private DebugMode() {}

  @Override
  public String toString() {
    return "debug";
  }
}
