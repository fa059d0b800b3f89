package dev.corvus.dns.api.capability;

import dev.corvus.dns.api.plugin.Inspector;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Message;

/**
 * The server's control surface: the served configuration, reload, explanations and every
 * plugin's inspectors. A capability: granted to plugins that declare it ({@code reload}, {@code
 * admin}), through {@link dev.corvus.dns.api.plugin.PluginContext#capability}.
 */
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
   * The state of the served configuration as operators need it after a reload.
   *
   * @param serving the source of the configuration now serving
   * @param loadedAt when it started serving
   * @param lastReloadError why the last reload failed, if the last attempt failed (the old
   *     configuration then keeps serving); empty after a successful reload
   */
  record ConfigStatus(ConfigSource serving, Instant loadedAt, Optional<String> lastReloadError) {}

  /** The served configuration's source, load time and last reload failure. */
  ConfigStatus status();

  /** The inspectors registered by the plugins of the configuration now serving. */
  List<Inspector> inspectors();

  /**
   * Runs {@code query} through the serving configuration as if {@code client} had sent it over
   * UDP, with {@link dev.corvus.dns.api.QueryContext#explaining()} set so that handlers leave no
   * trace, and reports each step.
   *
   * @param query the query; it must have a question
   * @param client the client to pretend it came from (matters to acl, view, autopath...)
   * @return the explanation; completes exceptionally when no server block serves the name
   */
  CompletionStage<Explanation> explain(Message query, InetSocketAddress client);

  /**
   * Rereads the Corefile, builds the new configuration off to the side and swaps it in
   * atomically. On failure the current configuration keeps serving and the stage completes
   * exceptionally with the reason (a {@link dev.corvus.dns.api.config.ConfigException} for
   * Corefile errors).
   */
  CompletionStage<Void> reload();
}
