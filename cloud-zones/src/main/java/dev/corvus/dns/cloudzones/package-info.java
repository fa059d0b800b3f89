/**
 * What the cloud DNS directives share, so each vendor plugin keeps only its own part (config and
 * factory, SDK client, record-set conversion): {@link dev.corvus.dns.cloudzones.ZoneRecords}, one
 * listed zone's records looked up as CoreDNS's file plugin does;
 * {@link dev.corvus.dns.cloudzones.CloudZones}, the refresh thread keeping each listed zone's last
 * good listing, readiness, and the handler asking a zone's listed zones in order with
 * {@code fallthrough}; {@link dev.corvus.dns.cloudzones.RecordSource}, what the vendor implements.
 *
 * <p>Used by plugin-route53 ({@code route53}), plugin-clouddns ({@code clouddns}) and plugin-azure
 * ({@code azure}), as CoreDNS's three plugins each answer from a {@code file.Zone} per listed
 * zone. This module registers no directive: it is a library, and ships in each plugin's
 * {@code lib/} folder (the plugin's zip assembly collects it with the plugin's other runtime
 * dependencies), never in the server's {@code lib/}, so each plugin's class loader has its own
 * copy.
 */
package dev.corvus.dns.cloudzones;
