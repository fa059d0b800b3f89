package dev.corvus.dns.plugin.kubernetes;

import dev.corvus.dns.testkit.SocketPipe;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The API server over HTTPS: a TLS listener on loopback (the JDK's JSSE, a certificate the test
 * made) that relays each connection's bytes to the plain-HTTP {@link MockApiServer}, watches
 * included. fabric8's mock serves HTTPS only with a self-signed certificate of its own; this
 * front presents any certificate and can require a client certificate.
 */
final class TlsFront implements AutoCloseable {

  private final SSLServerSocket listener;
  private final int backend;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  /**
   * @param server the key and chain to present
   * @param clientCa when not {@code null}, a client certificate signed by it is required
   * @param backend the port of the plain-HTTP API server on loopback
   */
  TlsFront(TestPki.Issued server, java.nio.file.Path clientCa, int backend) throws Exception {
    this(server, clientCa, backend, InetAddress.getLoopbackAddress());
  }

  /** As {@link #TlsFront(TestPki.Issued, java.nio.file.Path, int)}, listening on {@code address} (loopback: {@code ::1} for IPv6). */
  TlsFront(TestPki.Issued server, java.nio.file.Path clientCa, int backend, InetAddress address) throws Exception {
    this.backend = backend;
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(server.keyStore(), TestPki.PASSWORD.toCharArray());
    TrustManagerFactory clients = null;
    if (clientCa != null) {
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      trusted.setCertificateEntry("client-ca", TestPki.certificates(clientCa).get(0));
      clients = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      clients.init(trusted);
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), clients == null ? null : clients.getTrustManagers(), null);
    listener = (SSLServerSocket) context.getServerSocketFactory()
        .createServerSocket(0, 50, address);
    listener.setNeedClientAuth(clientCa != null);
    Thread acceptor = new Thread(this::accept, "tls-front-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The port it listens on. */
  int port() {
    return listener.getLocalPort();
  }

  /** {@code https://127.0.0.1:PORT}. */
  String url() {
    return "https://127.0.0.1:" + listener.getLocalPort();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        SSLSocket client = (SSLSocket) listener.accept();
        sockets.add(client);
        Thread relay = new Thread(() -> relay(client), "tls-front-relay");
        relay.setDaemon(true);
        relay.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void relay(SSLSocket client) {
    try {
      client.startHandshake();
      Socket server = new Socket();
      sockets.add(server);
      server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), backend));
      SocketPipe.start(server, client, "tls-front-back");
      SocketPipe.copy(client, server);
    } catch (IOException e) {
      // A refused handshake (the client's or ours) ends the connection; the client reports it.
      SocketPipe.closeQuietly(client);
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    sockets.forEach(SocketPipe::closeQuietly);
  }
}
