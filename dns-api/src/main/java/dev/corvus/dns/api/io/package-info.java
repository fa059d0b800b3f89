/**
 * Event-loop affinity for plugins that talk to other servers: the server's I/O loops ({@link
 * dev.corvus.dns.api.io.IoLoops}), timers on them, and DNS sockets bound to a loop — connected UDP
 * ({@link dev.corvus.dns.api.io.DatagramConnection}) and length-framed TCP/TLS ({@link
 * dev.corvus.dns.api.io.StreamConnection}). The server implements all of it on its own transport;
 * a plugin needs no networking library of its own.
 */
package dev.corvus.dns.api.io;
