package dev.corvus.dns.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/** One direction of a TCP relay between two connected sockets, for the test doubles that relay. */
public final class SocketPipe {

  private SocketPipe() {}

  /**
   * Copies what {@code from} reads to {@code to} until either side closes, then closes both.
   * Blocks the calling thread.
   */
  public static void copy(Socket from, Socket to) {
    byte[] buffer = new byte[16384];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed
    } finally {
      closeQuietly(to);
      closeQuietly(from);
    }
  }

  /** {@link #copy} on a daemon thread of that name, started. */
  public static Thread start(Socket from, Socket to, String threadName) {
    Thread thread = new Thread(() -> copy(from, to), threadName);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** Closes {@code socket}, ignoring a failure to (it is being closed either way). */
  public static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closed either way
    }
  }
}
