/**
 * The request path as a plugin sees it: a {@link dev.corvus.dns.api.Handler} receives a {@link
 * dev.corvus.dns.api.Chain} holding the {@link dev.corvus.dns.api.Request} and returns the eventual
 * response; {@link dev.corvus.dns.api.Responses} builds responses, {@link
 * dev.corvus.dns.api.DnsException} fails a query with an rcode, {@link
 * dev.corvus.dns.api.QueryContext} is the per-query state.
 *
 * <p>This module is the whole contract between the server and its plugins. Within a major
 * version it only grows: the build compares it with the last release's API (japicmp) and fails on
 * any change that would break a plugin built against it.
 */
package dev.corvus.dns.api;
