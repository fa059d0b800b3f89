package dev.corvus.dns.distribution;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * fabric8's CRUD mock, answering lists in pages as a real API server does for {@code limit} and
 * {@code continue} (the mock alone returns every item at once): a list asked with {@code limit=N}
 * gets at most N items and, when more are left, a {@code metadata.continue} token (here simply
 * the offset of the next page) for the next request. Counts the pages it served, and the time
 * it spent producing list answers, paged or not (the CRUD mock builds a list from every stored
 * object, one JSON document each), which the client's start waits for.
 */
final class PagingCrudDispatcher extends KubernetesCrudDispatcher {

  private final ObjectMapper json = new ObjectMapper();
  private final AtomicInteger pages = new AtomicInteger();
  private final AtomicInteger lists = new AtomicInteger();
  private final LongAdder listNanos = new LongAdder();
  /** The whole list each collection's first page was cut from, by request path. */
  private final Map<String, ObjectNode> fullLists = new ConcurrentHashMap<>();

  /** How many list pages (responses to a request with {@code limit}) were served. */
  int pagesServed() {
    return pages.get();
  }

  /** How many list requests (paged or not, watches aside) were answered. */
  int listsServed() {
    return lists.get();
  }

  /** The time spent producing those answers, summed over requests that may have overlapped. */
  long listMillis() {
    return TimeUnit.NANOSECONDS.toMillis(listNanos.sum());
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    Map<String, String> query = query(request.getPath());
    if (!"GET".equals(request.getMethod()) || "true".equals(query.get("watch"))) {
      return answer(request, query);
    }
    long started = System.nanoTime();
    try {
      return answer(request, query);
    } finally {
      listNanos.add(System.nanoTime() - started);
      lists.incrementAndGet();
    }
  }

  private MockResponse answer(RecordedRequest request, Map<String, String> query) {
    // -Dscale.unpaged=true: every list in one answer whatever its limit, as API servers that
    // ignore limit do (the whole 10,000-Service list at once)
    boolean paged = "GET".equals(request.getMethod()) && !"true".equals(query.get("watch"))
        && query.containsKey("limit") && !Boolean.getBoolean("scale.unpaged");
    if (!paged) {
      if (!"GET".equals(request.getMethod())) {
        fullLists.clear();
      }
      return super.dispatch(request);
    }
    String continueToken = query.getOrDefault("continue", "");
    String collection = URI.create(request.getPath()).getPath();
    try {
      // The first page lists afresh; the next pages slice that list, as an API server serves a
      // paged list from one snapshot (and building the whole list per page is slow here).
      ObjectNode list = continueToken.isEmpty() ? null : fullLists.get(collection);
      if (list == null) {
        MockResponse response = super.dispatch(request);
        if (response.code() != 200) {
          return response;
        }
        list = (ObjectNode) json.readTree(response.getBody().readUtf8());
        fullLists.put(collection, list);
      }
      return new MockResponse().setResponseCode(200).setBody(json.writeValueAsString(
          page(list, Integer.parseInt(query.get("limit")), continueToken.isEmpty() ? 0 : Integer.parseInt(continueToken))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Items {@code offset} to {@code offset + limit} of {@code list}, with the token of the next page. */
  private ObjectNode page(ObjectNode list, int limit, int offset) {
    ObjectNode page = json.createObjectNode();
    list.properties().forEach(field -> page.set(field.getKey(),
        "items".equals(field.getKey()) ? null : field.getValue().deepCopy()));
    if (!(list.get("items") instanceof ArrayNode items)) {
      return page;
    }
    ArrayNode pageItems = json.createArrayNode();
    for (int i = offset; i < Math.min(items.size(), offset + limit); i++) {
      pageItems.add(items.get(i));
    }
    page.set("items", pageItems);
    ObjectNode metadata = page.get("metadata") instanceof ObjectNode existing ? existing : page.putObject("metadata");
    if (offset + limit < items.size()) {
      metadata.put("continue", Integer.toString(offset + limit));
      metadata.put("remainingItemCount", items.size() - offset - limit);
    } else {
      metadata.remove("continue");
      metadata.remove("remainingItemCount");
    }
    pages.incrementAndGet();
    return page;
  }

  private static Map<String, String> query(String path) {
    Map<String, String> parameters = new HashMap<>();
    String raw = URI.create(path).getRawQuery();
    if (raw == null) {
      return parameters;
    }
    for (String pair : raw.split("&")) {
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      String value = equals < 0 ? "" : pair.substring(equals + 1);
      parameters.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return parameters;
  }
}
