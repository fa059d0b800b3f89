/**
 * Values every plugin that reads network addresses needs, parsed one way everywhere: {@link
 * dev.corvus.dns.api.net.HostPort} ({@code host:port}) and {@link dev.corvus.dns.api.net.Cidr}
 * (networks). {@link dev.corvus.dns.api.config.ConfigReader} reads both from a Corefile.
 */
package dev.corvus.dns.api.net;
