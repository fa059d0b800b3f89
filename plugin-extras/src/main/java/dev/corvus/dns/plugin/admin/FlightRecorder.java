package dev.corvus.dns.plugin.admin;

import dev.corvus.dns.api.plugin.HttpEndpoints.HttpRequest;
import dev.corvus.dns.api.plugin.HttpEndpoints.HttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * {@code GET /debug/jfr?seconds=N}: Corvus's answer to CoreDNS's {@code pprof}. Records the JVM
 * with Java Flight Recorder's "profile" settings (CPU samples, allocation, locks, GC, I/O) for N
 * seconds and serves the recording, which {@code jfr print}/{@code jfr summary} or JDK Mission
 * Control open. Bounded: at most {@link #MAX_SECONDS} seconds and {@link #MAX_BYTES} bytes, one
 * recording at a time. The request holds one of the server's HTTP worker threads (never an I/O
 * thread) while it records.
 */
final class FlightRecorder {

  static final int DEFAULT_SECONDS = 30;
  static final int MAX_SECONDS = 120;
  static final long MAX_BYTES = 256L * 1024 * 1024;
  private static final String CONTENT_TYPE = "application/octet-stream";

  private final AtomicBoolean recording = new AtomicBoolean();

  HttpResponse record(HttpRequest request) {
    int seconds = seconds(request.parameters().get("seconds"));
    if (!recording.compareAndSet(false, true)) {
      throw new IllegalStateException("a recording is already running; try again when it ends");
    }
    Path file = null;
    try (Recording recording = new Recording(Configuration.getConfiguration("profile"))) {
      recording.setName("corvus-admin");
      recording.setMaxSize(MAX_BYTES);
      file = Files.createTempFile("corvus-", ".jfr");
      recording.setDestination(file);
      recording.start();
      // Recording for the asked time is the request's work; this thread is an HTTP worker's.
      Thread.sleep(Duration.ofSeconds(seconds).toMillis());
      recording.stop();
      return new HttpResponse(200, CONTENT_TYPE, Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record: " + e.getMessage(), e);
    } catch (ParseException e) {
      throw new IllegalStateException("the JVM's 'profile' settings cannot be read: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("the recording was interrupted");
    } finally {
      this.recording.set(false);
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          // a temporary file the JVM's temp cleanup removes
        }
      }
    }
  }

  /** Whether a recording is running. */
  boolean busy() {
    return recording.get();
  }

  private static int seconds(String text) {
    if (text == null) {
      return DEFAULT_SECONDS;
    }
    try {
      int seconds = Integer.parseInt(text);
      if (seconds >= 1 && seconds <= MAX_SECONDS) {
        return seconds;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("seconds must be a whole number from 1 to " + MAX_SECONDS + ", got " + text);
  }
}
