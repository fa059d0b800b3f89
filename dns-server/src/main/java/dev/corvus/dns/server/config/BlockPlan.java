package dev.corvus.dns.server.config;

import dev.corvus.dns.server.config.TlsFactory.TlsSettings;
import dev.corvus.dns.server.corefile.ServerBlock;
import dev.corvus.dns.server.routing.BlockView;
import dev.corvus.dns.server.routing.Pipeline;
import java.net.InetAddress;
import java.util.List;

/**
 * A server block ready to serve.
 *
 * @param block the parsed block
 * @param plugins its plugins in chain order
 * @param pipeline the chain of their handlers
 * @param bindAddresses the addresses from {@code bind}, empty for all addresses
 * @param tls the settings from {@code tls}, or {@code null}
 * @param view what decides which queries the block serves, or {@code null} without a view
 */
public record BlockPlan(ServerBlock block, List<ConfiguredPlugin> plugins, Pipeline pipeline,
    List<InetAddress> bindAddresses, TlsSettings tls, BlockView view) {}
