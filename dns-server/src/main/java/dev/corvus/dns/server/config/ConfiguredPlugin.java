package dev.corvus.dns.server.config;

import dev.corvus.dns.api.config.Location;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.server.plugin.LoadedFactory;

/**
 * A plugin created from one directive of a server block.
 *
 * @param directive the directive
 * @param plugin the plugin
 * @param factory its factory and origin
 * @param location where the directive is written
 */
public record ConfiguredPlugin(String directive, Plugin plugin, LoadedFactory factory, Location location) {}
