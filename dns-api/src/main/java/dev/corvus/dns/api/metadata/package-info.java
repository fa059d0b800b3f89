/**
 * CoreDNS's metadata: labels plugins publish about a query ({@link
 * dev.corvus.dns.api.metadata.MetadataProvider}) and others read through {@link
 * dev.corvus.dns.api.QueryContext#metadata(String)}.
 */
package dev.corvus.dns.api.metadata;
