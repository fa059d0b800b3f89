package dev.corvus.dns.server.corefile;

import dev.corvus.dns.api.config.Location;

/**
 * A word of the Corefile after quotes, escapes and environment substitution were applied.
 *
 * @param text the word
 * @param location where it stands
 */
public record Token(String text, Location location) {}
