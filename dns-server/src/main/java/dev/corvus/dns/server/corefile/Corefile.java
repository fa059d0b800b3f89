package dev.corvus.dns.server.corefile;

import java.nio.file.Path;
import java.util.List;

/**
 * A parsed Corefile.
 *
 * @param blocks the server blocks in the order written (snippet definitions removed)
 * @param files the Corefile itself and every file it imported, in the order read; empty when it
 *     was parsed from a string without a file
 * @param sha512 the lower-case hex SHA-512 of the Corefile's text as read (before substitution)
 */
public record Corefile(List<ServerBlock> blocks, List<Path> files, String sha512) {}
