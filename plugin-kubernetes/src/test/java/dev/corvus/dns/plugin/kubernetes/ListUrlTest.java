package dev.corvus.dns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.internal.BaseOperation;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.net.URL;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@link StreamingLister#listUrl} writes what fabric8's {@code appendListOptionParams} writes. */
class ListUrlTest {

  /** The options {@code listUrl} writes; fabric8's model must have no other. */
  private static final Set<String> WRITTEN = Set.of("allowWatchBookmarks", "continue", "fieldSelector",
      "labelSelector", "limit", "resourceVersion", "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds",
      "watch");

  @Test
  void everyOptionIsWrittenAsFabric8WritesIt() throws Exception {
    ListOptions options = new ListOptions();
    options.setAllowWatchBookmarks(true);
    options.setContinue("eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTIzfQ==");
    options.setFieldSelector("metadata.name!=kube dns,status.phase=Running");
    options.setLabelSelector("app in (web, api),tier!=cache,!canary");
    options.setLimit(500L);
    options.setResourceVersion("12345");
    options.setResourceVersionMatch("NotOlderThan");
    options.setSendInitialEvents(false);
    options.setTimeoutSeconds(600L);
    options.setWatch(false);
    assertSameAsFabric8(options);
  }

  @Test
  void onlyTheOptionsSetAreWritten() throws Exception {
    ListOptions options = new ListOptions();
    options.setLimit(500L);
    options.setResourceVersion("0");
    assertSameAsFabric8(options);
    assertSameAsFabric8(new ListOptions());
  }

  /** A new option in a fabric8 upgrade fails here until listUrl writes it. */
  @Test
  void fabric8sListOptionsHaveNoOptionListUrlLeavesOut() {
    ObjectMapper mapper = new ObjectMapper();
    Set<String> properties = mapper.getSerializationConfig()
        .introspect(mapper.constructType(ListOptions.class)).findProperties().stream()
        .map(BeanPropertyDefinition::getName)
        .filter(name -> !name.equals("apiVersion") && !name.equals("kind"))
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(new TreeSet<>(WRITTEN), properties);
  }

  /**
   * The watch is made for the same resources (namespace, selectors: the operation's context) and
   * its query is fabric8's, without Jackson.
   */
  @Test
  void theWatchIsMadeForTheSameResourcesWithFabric8sQuery() throws Exception {
    try (KubernetesClient client = new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder().withMasterUrl("http://127.0.0.1:1").build())
        .withHttpClientFactory(new JdkHttpClientFactory())
        .build()) {
      BaseOperation<Service, ?, ?> operation =
          (BaseOperation<Service, ?, ?>) client.services().inNamespace("demo").withLabel("app", "web");
      BaseOperation<Service, ?, ?> watching = StreamingLister.watching(operation);
      assertEquals(operation.getNamespacedUrl(), watching.getNamespacedUrl());
      assertEquals(operation.getOperationContext(), watching.getOperationContext());
      assertEquals(operation.getType(), watching.getType());
      ListOptions options = new ListOptions();
      options.setAllowWatchBookmarks(true);
      options.setLabelSelector("app=web");
      options.setResourceVersion("12345");
      options.setTimeoutSeconds(600L);
      options.setWatch(true);
      URL base = operation.getNamespacedUrl();
      assertEquals(operation.appendListOptionParams(base, options).toString(),
          watching.appendListOptionParams(base, options).toString());
    }
  }

  private static void assertSameAsFabric8(ListOptions options) throws Exception {
    try (KubernetesClient client = new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder().withMasterUrl("http://127.0.0.1:1").build())
        .withHttpClientFactory(new JdkHttpClientFactory())
        .build()) {
      BaseOperation<Service, ?, ?> operation = (BaseOperation<Service, ?, ?>) client.services().inNamespace("demo");
      URL base = operation.getNamespacedUrl();
      URL expected = operation.appendListOptionParams(base, options);
      URL actual = StreamingLister.listUrl(base, options);
      assertEquals(expected.toString(), actual.toString());
      assertEquals(Arrays.asList(expected.getQuery() == null ? new String[0] : expected.getQuery().split("&")),
          Arrays.asList(actual.getQuery() == null ? new String[0] : actual.getQuery().split("&")));
    }
  }
}
