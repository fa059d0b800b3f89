package dev.corvus.dns.api.io;

/**
 * TLS client settings the server has checked ({@link IoLoops#tlsClient}), ready for {@link
 * StreamOptions}. Opaque: only the server that made it reads it.
 */
public interface TlsClient {

  /** The server name verified and sent as SNI, or empty. */
  String serverName();
}
