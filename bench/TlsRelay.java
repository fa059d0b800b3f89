import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * HTTPS before a plain-HTTP API server, for bench/startup-api.sh -tls: listens on loopback with
 * the key and chain of a PKCS#12 store and relays each connection's bytes to 127.0.0.1:BACKEND.
 * Writes its port to PORT-FILE once listening; serves until killed.
 *
 *   java bench/TlsRelay.java STORE.p12 PASSWORD BACKEND PORT-FILE
 */
public class TlsRelay {
  public static void main(String[] args) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
      store.load(in, args[1].toCharArray());
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, args[1].toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    int backend = Integer.parseInt(args[2]);
    try (SSLServerSocket listener = (SSLServerSocket) context.getServerSocketFactory()
        .createServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Files.writeString(Path.of(args[3]), Integer.toString(listener.getLocalPort()));
      while (true) {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), backend);
        start(() -> pump(client, server));
        start(() -> pump(server, client));
      }
    }
  }

  private static void start(Runnable task) {
    Thread thread = new Thread(task);
    thread.setDaemon(true);
    thread.start();
  }

  private static void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16384];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (Exception e) {
      // one side closed or the handshake failed: end both
    } finally {
      try {
        from.close();
        to.close();
      } catch (Exception e) {
        // closing anyway
      }
    }
  }
}
