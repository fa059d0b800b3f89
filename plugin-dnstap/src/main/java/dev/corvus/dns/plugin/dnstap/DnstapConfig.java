package dev.corvus.dns.plugin.dnstap;

import java.nio.file.Path;

/**
 * One {@code dnstap} directive, validated.
 *
 * @param endpoint where the collector listens
 * @param full whether messages carry the DNS messages in wire format
 * @param writeBufferBytes the TCP send buffer asked for ({@code writebuffer} MiB)
 * @param queueCapacity how many messages wait for the collector before new ones are dropped
 * @param identity the {@code identity} field (the host name by default)
 * @param version the {@code version} field
 * @param extra the {@code extra} template, or {@code null} for none
 */
record DnstapConfig(
    Endpoint endpoint,
    boolean full,
    int writeBufferBytes,
    int queueCapacity,
    byte[] identity,
    byte[] version,
    ExtraTemplate extra) {

  /** CoreDNS's queue of 10,000 messages, multiplied by the {@code queue} argument. */
  static final int QUEUE_UNIT = 10_000;

  /** Where the collector listens: a unix socket or a TCP address. */
  sealed interface Endpoint {
    /** The endpoint as the {@code endpoint} label of the metrics shows it. */
    String label();
  }

  /** A unix domain socket, as {@code fstrm_capture -u} opens. */
  record UnixSocket(Path path) implements Endpoint {
    @Override
    public String label() {
      return "unix://" + path;
    }
  }

  /** A TCP address; the host is resolved at each connection attempt, as CoreDNS dials it. */
  record Tcp(String host, int port) implements Endpoint {
    @Override
    public String label() {
      return "tcp://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
  }
}
