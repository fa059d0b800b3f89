package dev.corvus.dns.api.plugin;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** What a plugin may know about and ask of the running server. */
public interface ServerControl {

  /**
   * The configuration currently served.
   *
   * @param files the Corefile and every file it imports; empty when it came from a string
   * @param sha512 the hex SHA-512 of the Corefile text as read (CoreDNS's reload hash)
   */
  record ConfigSource(List<Path> files, String sha512) {}

  /** The source of the configuration this plugin belongs to. */
  ConfigSource configSource();

  /**
   * Rereads the Corefile, builds the new configuration off to the side and swaps it in
   * atomically. On failure the current configuration keeps serving and the stage completes
   * exceptionally with the reason (a {@link dev.corvus.dns.api.config.ConfigException} for
   * Corefile errors).
   */
  CompletionStage<Void> reload();
}
