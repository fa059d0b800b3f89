package dev.corvus.dns.distribution;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * fabric8's CRUD mock, answering lists in pages as a real API server does for {@code limit} and
 * {@code continue} (the mock alone returns every item at once): a list asked with {@code limit=N}
 * gets at most N items and, when more are left, a {@code metadata.continue} token (here simply
 * the offset of the next page) for the next request. Counts the pages it served.
 */
final class PagingCrudDispatcher extends KubernetesCrudDispatcher {

  private final ObjectMapper json = new ObjectMapper();
  private final AtomicInteger pages = new AtomicInteger();

  /** How many list pages (responses to a request with {@code limit}) were served. */
  int pagesServed() {
    return pages.get();
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    MockResponse response = super.dispatch(request);
    Map<String, String> query = query(request.getPath());
    if (!"GET".equals(request.getMethod()) || "true".equals(query.get("watch")) || !query.containsKey("limit")
        || response.code() != 200) {
      return response;
    }
    try {
      JsonNode list = json.readTree(response.getBody().readUtf8());
      if (!(list.get("items") instanceof ArrayNode items)) {
        return response.setBody(json.writeValueAsString(list));
      }
      int limit = Integer.parseInt(query.get("limit"));
      int offset = query.containsKey("continue") && !query.get("continue").isEmpty()
          ? Integer.parseInt(query.get("continue")) : 0;
      ArrayNode page = json.createArrayNode();
      for (int i = offset; i < Math.min(items.size(), offset + limit); i++) {
        page.add(items.get(i));
      }
      ((ObjectNode) list).set("items", page);
      ObjectNode metadata = list.get("metadata") instanceof ObjectNode existing
          ? existing : ((ObjectNode) list).putObject("metadata");
      if (offset + limit < items.size()) {
        metadata.put("continue", Integer.toString(offset + limit));
        metadata.put("remainingItemCount", items.size() - offset - limit);
      } else {
        metadata.remove("continue");
      }
      pages.incrementAndGet();
      return response.setBody(json.writeValueAsString(list));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
