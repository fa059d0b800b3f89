/**
 * Contracts beyond the general plugin SPI. Server capabilities — {@link
 * dev.corvus.dns.api.capability.ServerControl}: reload, the served configuration's status,
 * explanations and every plugin's inspectors — are granted only to plugins whose factory declares
 * them ({@link dev.corvus.dns.api.plugin.PluginFactory#capabilities()}), so what a plugin may do
 * to the server is visible before it is installed. Contracts between plugins, such as {@link
 * dev.corvus.dns.api.capability.PodNamespaceLookup} (exported by {@code kubernetes}, used by
 * {@code autopath}) and {@link dev.corvus.dns.api.capability.ZoneSource} (exported by the plugins
 * that hold zones, used by {@code transfer}), live here because two plugins in separate class
 * loaders can share a type only through {@code dns-api}; they are exported and found through the {@link
 * dev.corvus.dns.api.plugin.ServiceRegistry}.
 */
package dev.corvus.dns.api.capability;
