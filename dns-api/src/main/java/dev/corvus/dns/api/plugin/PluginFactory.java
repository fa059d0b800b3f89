package dev.corvus.dns.api.plugin;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import java.util.Set;

/**
 * Makes a directive available in Corefiles. Register an implementation with {@code
 * @AutoService(PluginFactory.class)}; the server finds it with {@link java.util.ServiceLoader} on
 * its class path and in every jar of its {@code plugins/} directory.
 *
 * <p>{@link #create} is called once per occurrence of the directive in each server block, when a
 * configuration is loaded or reloaded and also by {@code corvus check}. It parses and validates
 * only: no port is bound, no file watched and nothing contacted until {@link Plugin#start}.
 */
public interface PluginFactory {

  /** The directive, e.g. {@code forward}. Lower case letters, digits, {@code _} and {@code -}. */
  String directive();

  /**
   * Where the directive's handler goes in every chain. CoreDNS's own directives keep their
   * {@code plugin.cfg} place ({@link Placement#standard()}); any other directive names a
   * neighbour ({@link Placement#before}, {@link Placement#after}).
   */
  default Placement placement() {
    return Placement.standard();
  }

  /**
   * Whether the directive may appear more than once in a server block ({@code rewrite}, {@code
   * template}, {@code log} may; most may not).
   */
  default boolean repeatable() {
    return false;
  }

  /**
   * The capabilities beyond the general SPI this directive uses, from {@code
   * dev.corvus.dns.api.capability} (e.g. {@link dev.corvus.dns.api.capability.ServerControl} for
   * {@code reload}). Only declared capabilities are granted through {@link
   * PluginContext#capability}; {@code corvus plugins} lists them, so that an operator sees what a
   * plugin may do before installing it.
   */
  default Set<Class<?>> capabilities() {
    return Set.of();
  }

  /**
   * Parses one occurrence of the directive and builds the plugin.
   *
   * @param config the directive's arguments and block, with file and line for errors
   * @param context what the server provides to plugins
   * @throws ConfigException when the configuration is wrong; use {@link ConfigReader#error}
   */
  Plugin create(ConfigReader config, PluginContext context) throws ConfigException;
}
