package dev.corvus.dns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.DefaultKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.internal.BaseOperation;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An informer's list read as a stream: items reach the store while the answer is still being
 * read, the informer gets keys and the list's metadata only, and the request carries the page size,
 * continue token and label selector.
 */
class StreamingListerTest {

  private static final int ITEMS = 20_000;

  private final ObjectMapper mapper = new ObjectMapper();
  private final KubernetesSerialization serialization = new KubernetesSerialization(mapper, true);
  private final ExecutorService reader = Executors.newSingleThreadExecutor();
  private HttpServer server;
  private KubernetesClient client;

  @AfterEach
  void stop() {
    reader.shutdownNow();
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.stop(0);
    }
  }

  /**
   * A one-piece answer of 20,000 Services, metadata after the items, generated as it is read:
   * each Service is in the store, whole, when at most a few kilobytes past it have been produced,
   * so the answer is never held.
   */
  @Test
  void passesEachItemOnBeforeReadingTheNext() throws Exception {
    GeneratedList body = new GeneratedList(ITEMS);
    List<Long> producedWhenStored = new ArrayList<>();
    List<String> clusterIps = new ArrayList<>();
    StreamingLister<Service> lister = new StreamingLister<>(null, null, mapper, Service.class, Service::new,
        null, service -> {
          producedWhenStored.add(body.produced());
          clusterIps.add(service.getSpec().getClusterIP());
        }, reader);

    DefaultKubernetesResourceList<Service> list = lister.parse(body);

    assertEquals(ITEMS, clusterIps.size());
    assertEquals("10.96.0.0", clusterIps.get(0));
    assertEquals("10.96.78.31", clusterIps.get(ITEMS - 1));
    long total = body.produced();
    for (int i = 0; i < ITEMS; i++) {
      // The parser reads ahead by its buffer (8,000 bytes) at most: item i is stored before the
      // answer has been produced beyond that distance past the item's end.
      long itemEnd = body.itemEnds.get(i);
      assertTrue(producedWhenStored.get(i) <= itemEnd + 16_384,
          "item " + i + " ends at " + itemEnd + ", stored after " + producedWhenStored.get(i) + " bytes of " + total);
    }
    assertTrue(total > 100 * 16_384, "the answer is far larger than the read-ahead: " + total);
    assertEquals("4242", list.getMetadata().getResourceVersion());
    assertEquals("page-2", list.getMetadata().getContinue());
    assertEquals(ITEMS, list.getItems().size());
    Service key = list.getItems().get(17);
    assertEquals("ns17", key.getMetadata().getNamespace());
    assertEquals("svc17", key.getMetadata().getName());
    assertEquals("17", key.getMetadata().getResourceVersion());
    assertNull(key.getSpec(), "the informer gets keys, not objects");
  }

  @Test
  void asksForAPageWithTheSelectorAndReadsTheAnswer() throws Exception {
    AtomicReference<String> query = new AtomicReference<>();
    AtomicReference<String> path = new AtomicReference<>();
    serve(200, """
        {"kind":"ServiceList","apiVersion":"v1","metadata":{"resourceVersion":"9","continue":"next"},
         "items":[{"metadata":{"namespace":"team-a","name":"web","resourceVersion":"7"},
                   "spec":{"clusterIP":"10.96.0.7","ports":[{"name":"http","protocol":"TCP","port":80}]}}]}
        """, path, query);
    List<Service> stored = new ArrayList<>();
    StreamingLister<Service> lister = lister("app=web", stored);

    DefaultKubernetesResourceList<Service> list =
        lister.submitList(new ListOptionsBuilder().withLimit(500L).withContinue("abc").build()).get(10, TimeUnit.SECONDS);

    assertEquals("/api/v1/services", path.get());
    String decoded = URLDecoder.decode(query.get(), StandardCharsets.UTF_8);
    assertTrue(decoded.contains("limit=500"), decoded);
    assertTrue(decoded.contains("continue=abc"), decoded);
    assertTrue(decoded.contains("labelSelector=app=web"), decoded);
    assertEquals(1, stored.size());
    assertEquals("10.96.0.7", stored.get(0).getSpec().getClusterIP());
    assertEquals(80, stored.get(0).getSpec().getPorts().get(0).getPort());
    assertEquals("next", list.getMetadata().getContinue());
    assertEquals("9", list.getMetadata().getResourceVersion());
    assertEquals("web", list.getItems().get(0).getMetadata().getName());
  }

  /** An expired continue token (410 Gone) fails the list with its code, so the informer lists afresh. */
  @Test
  void failsWithTheApiServersCode() throws Exception {
    serve(410, "{\"kind\":\"Status\",\"code\":410,\"reason\":\"Expired\"}", new AtomicReference<>(),
        new AtomicReference<>());
    List<Service> stored = new ArrayList<>();
    StreamingLister<Service> lister = lister(null, stored);

    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> lister.submitList(new ListOptionsBuilder().withLimit(500L).build()).get(10, TimeUnit.SECONDS));

    KubernetesClientException cause = assertInstanceOf(KubernetesClientException.class, failed.getCause());
    assertEquals(410, cause.getCode());
    assertTrue(cause.getMessage().contains("Expired"), cause.getMessage());
    assertTrue(stored.isEmpty());
  }

  private StreamingLister<Service> lister(String labelSelector, List<Service> stored) {
    client = new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder()
            .withMasterUrl("http://127.0.0.1:" + server.getAddress().getPort())
            .withHttp2Disable(true)
            .withRequestRetryBackoffLimit(0)
            .build())
        .withHttpClientFactory(new JdkHttpClientFactory())
        .withKubernetesSerialization(serialization)
        .build();
    BaseOperation<Service, ?, ?> operation =
        (BaseOperation<Service, ?, ?>) client.services().inAnyNamespace().withLimit(500L);
    return new StreamingLister<>(operation, client.getHttpClient(), mapper, Service.class, Service::new,
        labelSelector, stored::add, reader);
  }

  private void serve(int status, String body, AtomicReference<String> path, AtomicReference<String> query)
      throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      path.set(exchange.getRequestURI().getPath());
      query.set(exchange.getRequestURI().getRawQuery());
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    });
    server.start();
  }

  /**
   * A ServiceList answer made as it is read: items first, then the metadata (JSON allows any
   * order), never the whole text at once.
   */
  private static final class GeneratedList extends InputStream {
    static final String HEAD = "{\"kind\":\"ServiceList\",\"apiVersion\":\"v1\",\"items\":[";
    static final String TAIL = "],\"metadata\":{\"resourceVersion\":\"4242\",\"continue\":\"page-2\"}}";

    private final int items;
    /** Where each item's text ends in the answer, in bytes. */
    final List<Long> itemEnds = new ArrayList<>();
    private long length = HEAD.length();
    private int next;
    private byte[] chunk = HEAD.getBytes(StandardCharsets.UTF_8);
    private int at;
    private long produced;
    private boolean done;

    GeneratedList(int items) {
      this.items = items;
    }

    long produced() {
      return produced;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) {
      if (at == chunk.length && !advance()) {
        return -1;
      }
      int n = Math.min(length, chunk.length - at);
      System.arraycopy(chunk, at, into, offset, n);
      at += n;
      produced += n;
      return n;
    }

    private boolean advance() {
      if (done) {
        return false;
      }
      String text;
      if (next < items) {
        int i = next++;
        text = (i == 0 ? "" : ",") + "{\"metadata\":{\"namespace\":\"ns%s\",\"name\":\"svc%s\",\"resourceVersion\":\"%s\"},"
            .formatted(i, i, i) + "\"spec\":{\"clusterIP\":\"10.96.%d.%d\",\"ports\":[{\"port\":80}]}}"
            .formatted(i / 256, i % 256);
      } else {
        text = TAIL;
        done = true;
      }
      chunk = text.getBytes(StandardCharsets.UTF_8);
      at = 0;
      length += chunk.length;
      if (!done) {
        itemEnds.add(length);
      }
      return true;
    }
  }
}
