package dev.corvus.dns.server.plugin;

/** The set of plugins cannot be used: a directive claimed twice, a bad placement. */
public final class PluginLoadingException extends Exception {
  private static final long serialVersionUID = 1L;

  /** @param message one line naming the jar(s) and the reason */
  public PluginLoadingException(String message) {
    super(message);
  }
}
