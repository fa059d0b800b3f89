/**
 * Listener kinds as plugins: a server block's scheme ({@code https://}, {@code quic://}, {@code
 * grpc://}) is served by a {@link dev.corvus.dns.api.listener.ListenerFactory} found with {@link
 * java.util.ServiceLoader}, which reads queries in its protocol and hands them to the server's
 * {@link dev.corvus.dns.api.listener.QueryService}.
 */
package dev.corvus.dns.api.listener;
