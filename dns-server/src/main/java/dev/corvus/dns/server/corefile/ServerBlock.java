package dev.corvus.dns.server.corefile;

import dev.corvus.dns.api.config.Location;
import java.util.List;

/**
 * A server block: its keys (after CIDR expansion) and its directives in the order written
 * (imports and snippets already expanded).
 *
 * @param keys the keys, at least one
 * @param directives the directives
 * @param location where the block's first key is written
 */
public record ServerBlock(List<ServerKey> keys, List<Directive> directives, Location location) {}
