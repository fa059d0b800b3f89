package dev.corvus.dns.plugin.kubernetes;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.fabric8.kubernetes.api.model.DefaultKubernetesResourceList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.dsl.internal.AbstractWatchManager;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.internal.BaseOperation;
import io.fabric8.kubernetes.client.dsl.internal.HasMetadataOperation;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.informers.impl.ListerWatcher;
import io.fabric8.kubernetes.client.utils.URLUtils.URLBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An informer's list and watch where the list is read as a stream: each item of the API server's
 * answer is decoded on its own and handed to the informer's store (and so to the index) before the
 * next is read, so that no page, however large, is ever held whole. The watch is fabric8's (its
 * URL written as the list's: {@link #watching}).
 *
 * <p>The informer asks for pages ({@code limit}); an API server may still answer in one piece (a
 * list served from its watch cache, or a server that ignores {@code limit}): 10,000 Services and
 * 10,000 EndpointSlices decoded whole by fabric8, as a {@code KubernetesList} of model objects, did
 * not fit a 54 MiB heap (ScaleIT with {@code -Dscale.unpaged=true}: OutOfMemoryError).
 *
 * <p>What the informer gets back is the list's metadata and, per item, an object holding only its
 * namespace, name and resource version: the store has the item at that version already, so
 * fabric8 sees no change, and it still learns which keys the list held (those missing are
 * deleted, as after any re-list).
 *
 * @param <T> the resource type
 */
final class StreamingLister<T extends HasMetadata> implements ListerWatcher<T, DefaultKubernetesResourceList<T>> {

  private static final int ERROR_BODY_LIMIT = 2_000;

  private final BaseOperation<T, ?, ?> operation;
  /**
   * The operation the watches are made with ({@link #watching}), made at the first: one
   * informer's watches follow one another.
   */
  private volatile BaseOperation<T, ?, ?> watching;
  private final HttpClient http;
  /** Reads an item; its deserializer (KindDecoders') found once, not per item. */
  private final ObjectReader items;
  private final ObjectReader text;
  private final Supplier<T> factory;
  private final String labelSelector;
  private final Consumer<T> store;
  private final Executor reader;
  private volatile InputStream reading;
  private volatile boolean closed;

  /**
   * @param operation fabric8's operation for the resource (its URL, limit and watch)
   * @param http the client's HTTP client (its authentication and TLS)
   * @param mapper the client's mapper (as fabric8 configured it), decodes one item at a time
   * @param type the model type of the items
   * @param factory makes an empty object of the type, for what the informer gets back
   * @param labelSelector the selector the operation was made with, or {@code null}
   * @param store receives every item as it is decoded, on the thread reading the answer
   * @param reader runs the blocking reads of answers, one task per list request
   */
  StreamingLister(BaseOperation<T, ?, ?> operation, HttpClient http, ObjectMapper mapper,
      Class<T> type, Supplier<T> factory, String labelSelector, Consumer<T> store, Executor reader) {
    this.operation = operation;
    this.http = http;
    this.items = mapper.readerFor(type);
    this.text = mapper.readerFor(String.class);
    this.factory = factory;
    this.labelSelector = labelSelector;
    this.store = store;
    this.reader = reader;
  }

  @Override
  public CompletableFuture<AbstractWatchManager<T>> submitWatch(ListOptions params, Watcher<T> watcher) {
    BaseOperation<T, ?, ?> watch = watching;
    if (watch == null) {
      watch = watching(operation);
      watching = watch;
    }
    return watch.submitWatch(params, watcher);
  }

  /**
   * fabric8's operation for {@code operation}'s resources (its context: namespace, selectors, the
   * client), writing the query of each watch request (and of every reconnection) with {@link
   * #listUrl} instead of through Jackson. fabric8's watch manager asks its operation for the URL
   * ({@code appendListOptionParams}), whose conversion of the options to a map built Jackson's
   * bean serializer for {@code ListOptions} and a map deserializer at the first watch: on the way
   * to ready, since an informer counts as started once its watch is.
   */
  static <T extends HasMetadata, L extends KubernetesResourceList<T>, R extends Resource<T>>
      BaseOperation<T, L, R> watching(BaseOperation<T, L, R> operation) {
    return new HasMetadataOperation<T, L, R>(operation.getOperationContext(), operation.getType(), operation.getListType()) {
      @Override
      public URL appendListOptionParams(URL base, ListOptions options) {
        return listUrl(base, options);
      }
    };
  }

  @Override
  public CompletableFuture<DefaultKubernetesResourceList<T>> submitList(ListOptions options) {
    if (closed) {
      return CompletableFuture.failedFuture(new KubernetesClientException("list of a stopped informer"));
    }
    HttpRequest request;
    try {
      options.setWatch(null);
      if (labelSelector != null) {
        options.setLabelSelector(labelSelector);
      }
      URL url = listUrl(operation.getNamespacedUrl(), options);
      request = http.newHttpRequestBuilder()
          .url(url)
          .header("Accept", "application/json")
          .timeout(getConfig().getRequestTimeout(), TimeUnit.MILLISECONDS)
          .build();
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return http.sendAsync(request, InputStream.class).thenApplyAsync(this::read, reader);
  }

  /**
   * {@code base} with the options set in {@code options} as query parameters, as fabric8's {@code
   * appendListOptionParams} writes them (in name order, encoded by fabric8's URL builder) but
   * without turning the options into a map through Jackson: building the deserializers for that
   * was about 40 ms of the main thread's CPU on the way to ready, for the first list.
   */
  static URL listUrl(URL base, ListOptions options) {
    URLBuilder url = new URLBuilder(base);
    addParameter(url, "allowWatchBookmarks", options.getAllowWatchBookmarks());
    addParameter(url, "continue", options.getContinue());
    addParameter(url, "fieldSelector", options.getFieldSelector());
    addParameter(url, "labelSelector", options.getLabelSelector());
    addParameter(url, "limit", options.getLimit());
    addParameter(url, "resourceVersion", options.getResourceVersion());
    addParameter(url, "resourceVersionMatch", options.getResourceVersionMatch());
    addParameter(url, "sendInitialEvents", options.getSendInitialEvents());
    addParameter(url, "timeoutSeconds", options.getTimeoutSeconds());
    addParameter(url, "watch", options.getWatch());
    if (options.getAdditionalProperties() != null) {
      options.getAdditionalProperties().forEach((name, value) -> addParameter(url, name, value));
    }
    return url.build();
  }

  private static void addParameter(URLBuilder url, String name, Object value) {
    if (value != null) {
      url.addQueryParameter(name, value.toString());
    }
  }

  /** Stops a list being read (the informer was stopped): its answer is closed, nothing more is stored. */
  void close() {
    closed = true;
    InputStream in = reading;
    if (in != null) {
      try {
        in.close();
      } catch (IOException ignored) {
        // closing only to stop the reader
      }
    }
  }

  private DefaultKubernetesResourceList<T> read(HttpResponse<InputStream> response) {
    try (InputStream body = response.body()) {
      if (!response.isSuccessful()) {
        byte[] text = body.readNBytes(ERROR_BODY_LIMIT);
        throw new KubernetesClientException("list " + getApiEndpointPath() + " answered " + response.code() + ": "
            + new String(text, StandardCharsets.UTF_8), response.code(), null);
      }
      reading = body;
      if (closed) {
        throw new KubernetesClientException("list of a stopped informer");
      }
      return parse(body);
    } catch (IOException e) {
      throw new CompletionException(new KubernetesClientException(
          "list " + getApiEndpointPath() + " failed while reading: " + e, e));
    } finally {
      reading = null;
    }
  }

  /** The list's metadata and keys; its items go to the store one by one as they are read. */
  DefaultKubernetesResourceList<T> parse(InputStream body) throws IOException {
    DefaultKubernetesResourceList<T> list = new DefaultKubernetesResourceList<>();
    List<T> keys = new ArrayList<>();
    try (JsonParser parser = items.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("a list answer is a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (field.equals("metadata") && value == JsonToken.START_OBJECT) {
          list.setMetadata(listMeta(parser));
        } else if (field.equals("items") && value == JsonToken.START_ARRAY) {
          while (parser.nextToken() == JsonToken.START_OBJECT) {
            // Straight from the stream into the model object, without a tree in between.
            T object = items.readValue(parser);
            if (closed) {
              throw new IOException("informer stopped");
            }
            store.accept(object);
            keys.add(key(object));
          }
        } else {
          parser.skipChildren();
        }
      }
    }
    if (list.getMetadata() == null) {
      list.setMetadata(new ListMeta());
    }
    list.setItems(keys);
    return list;
  }

  /**
   * The list's resource version and continue token, all fabric8's informer reads of a list's
   * metadata; read here rather than by a bean deserializer of {@code ListMeta}, which Jackson
   * would build by reflection (with the machinery for any bean) on the way to the first sync.
   */
  private ListMeta listMeta(JsonParser parser) throws IOException {
    ListMeta meta = new ListMeta();
    for (String field = parser.nextFieldName(); field != null; field = parser.nextFieldName()) {
      parser.nextToken();
      switch (field) {
        case "resourceVersion" -> meta.setResourceVersion(text.readValue(parser));
        case "continue" -> meta.setContinue(text.readValue(parser));
        default -> parser.skipChildren();
      }
    }
    return meta;
  }

  /** The item as the store keeps it: namespace, name, resource version (names interned, as the store's). */
  private T key(T object) {
    ObjectMeta source = object.getMetadata();
    ObjectMeta meta = new ObjectMeta();
    meta.setNamespace(source.getNamespace() == null ? null : source.getNamespace().intern());
    meta.setName(source.getName() == null ? null : source.getName().intern());
    meta.setResourceVersion(source.getResourceVersion());
    T key = factory.get();
    key.setMetadata(meta);
    return key;
  }

  @Override
  public Long getLimit() {
    return operation.getLimit();
  }

  @Override
  public int getWatchReconnectInterval() {
    return operation.getWatchReconnectInterval();
  }

  @Override
  public String getApiEndpointPath() {
    return operation.getApiEndpointPath();
  }

  @Override
  public Config getConfig() {
    return operation.getConfig();
  }
}
