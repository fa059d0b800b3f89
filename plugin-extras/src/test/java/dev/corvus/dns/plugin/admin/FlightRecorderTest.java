package dev.corvus.dns.plugin.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.plugin.HttpEndpoints;
import dev.corvus.dns.plugin.testing.Http;
import dev.corvus.dns.testkit.Poll;
import dev.corvus.dns.server.Corvus;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code admin { profile }}: a bounded Java Flight Recorder recording on request, as pprof serves a profile. */
class FlightRecorderTest {

  private static Corvus server(boolean profile) throws Exception {
    int port = Http.freePort();
    return Corvus.builder().corefile(".:0 {\n admin 127.0.0.1:" + port + (profile ? " {\n  profile\n }" : "")
        + "\n whoami\n}\n").dnsPort(0).start();
  }

  private static HttpResponse<byte[]> record(InetSocketAddress admin, String query) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + admin.getPort() + "/debug/jfr" + query);
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void servesARecordingTheJdkToolsRead(@TempDir Path dir) throws Exception {
    try (Corvus server = server(true)) {
      InetSocketAddress admin = server.httpAddress("/debug/jfr");
      HttpResponse<byte[]> response = record(admin, "?seconds=2");
      assertEquals(200, response.statusCode());
      Path file = Files.write(dir.resolve("corvus.jfr"), response.body());
      int samples = 0;
      try (RecordingFile recording = new RecordingFile(file)) {
        while (recording.hasMoreEvents()) {
          RecordedEvent event = recording.readEvent();
          if (event.getEventType().getName().equals("jdk.CPULoad")) {
            samples++;
          }
        }
      }
      assertTrue(samples > 0, "a profile-settings recording holds CPU load events");
    }
  }

  @Test
  void boundedDurationsOverHttp() throws Exception {
    try (Corvus server = server(true)) {
      InetSocketAddress admin = server.httpAddress("/debug/jfr");
      assertEquals(400, record(admin, "?seconds=0").statusCode());
      assertEquals(400, record(admin, "?seconds=" + (FlightRecorder.MAX_SECONDS + 1)).statusCode());
      assertEquals(400, record(admin, "?seconds=soon").statusCode());
    }
  }

  @Test
  void oneRecordingAtATime() throws Exception {
    FlightRecorder recorder = new FlightRecorder();
    HttpEndpoints.HttpRequest request = new HttpEndpoints.HttpRequest("GET", "/debug/jfr",
        Map.of("seconds", "2"), new InetSocketAddress("127.0.0.1", 1));
    CompletableFuture<HttpEndpoints.HttpResponse> running = CompletableFuture.supplyAsync(() -> recorder.record(request));
    assertTrue(Poll.until(Duration.ofSeconds(5), recorder::busy), "the first recording started");
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> recorder.record(request));
    assertTrue(refused.getMessage().contains("already running"), refused.getMessage());
    assertEquals(200, running.get().status());
    assertTrue(!recorder.busy());
  }

  @Test
  void withoutProfileThereIsNoRecordingEndpoint() throws Exception {
    try (Corvus server = server(false)) {
      InetSocketAddress admin = server.httpAddress("/explain");
      assertEquals(404, record(admin, "?seconds=1").statusCode());
    }
  }
}
