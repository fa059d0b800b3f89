package dev.corvus.dns.server.cli;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * What an I/O failure means, in words a user acts on: the command line never shows an exception's
 * class name, and the JDK's messages are sometimes only a path ({@link NoSuchFileException}) or
 * nothing at all ({@link ConnectException} from the HTTP client).
 */
final class Failures {

  private Failures() {}

  /** {@code e} as a phrase, e.g. {@code no such file}, {@code connection refused}. */
  static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NotDirectoryException) {
      return "not a directory";
    }
    if (e instanceof FileSystemException fileSystem && fileSystem.getReason() != null) {
      return lowerCaseFirst(fileSystem.getReason());
    }
    if (e instanceof ConnectException || e instanceof PortUnreachableException) {
      return "connection refused";
    }
    if (e instanceof NoRouteToHostException) {
      return "no route to host";
    }
    if (e instanceof SocketTimeoutException || e instanceof HttpTimeoutException) {
      return "timed out";
    }
    if (e instanceof UnknownHostException) {
      return "cannot resolve the host";
    }
    if (e instanceof EOFException) {
      return "the connection closed before the answer was complete";
    }
    if (e instanceof ProtocolException) {
      return "protocol error: " + message(e);
    }
    return lowerCaseFirst(message(e));
  }

  /**
   * An exception's message without the class names that wrapping exceptions put in front of their
   * cause's ({@code java.io.EOFException: EOF reached}); the class name in words when there is no message.
   */
  static String message(Throwable e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    message = message.replaceAll("(?:[a-zA-Z_$][\\w$]*\\.)*[A-Z][\\w$]*(?:Exception|Error): ?", "").strip();
    if (message.isEmpty()) {
      String words = e.getClass().getSimpleName().replaceAll("(Exception|Error)$", "")
          .replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
      return words.isEmpty() ? "failed" : words;
    }
    return message;
  }

  private static String lowerCaseFirst(String text) {
    if (text.length() > 1 && Character.isUpperCase(text.charAt(0)) && Character.isLowerCase(text.charAt(1))) {
      return Character.toLowerCase(text.charAt(0)) + text.substring(1);
    }
    return text;
  }
}
