/**
 * Plugins: a {@link dev.corvus.dns.api.plugin.PluginFactory} found with {@link
 * java.util.ServiceLoader} reads its directive and makes a {@link dev.corvus.dns.api.plugin.Plugin};
 * the {@link dev.corvus.dns.api.plugin.PluginContext} gives it the server's services: metrics,
 * readiness, exported services, the resolver, HTTP endpoints, inspectors, the scheduler, clocks
 * and the I/O loops.
 */
package dev.corvus.dns.api.plugin;
