/**
 * Real DNS software from Debian that tests talk to on loopback (NSD, and the command-line tools
 * through {@link dev.corvus.dns.testkit.peers.Peers}); a test whose tool is missing is skipped
 * with the package that brings it.
 */
package dev.corvus.dns.testkit.peers;
