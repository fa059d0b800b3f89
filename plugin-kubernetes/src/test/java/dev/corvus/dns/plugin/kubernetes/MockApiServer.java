package dev.corvus.dns.plugin.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.function.UnaryOperator;

/**
 * fabric8's mock API server in CRUD mode (real HTTP, real watches) that can be stopped and started
 * again on the same port with the same objects, as an API server restart looks to its clients.
 */
final class MockApiServer implements AutoCloseable {

  private final Dispatcher dispatcher;
  private KubernetesMockServer server;
  private KubernetesClient client;
  private int port;

  MockApiServer() {
    this(UnaryOperator.identity());
  }

  /** @param around wraps the CRUD dispatcher, to answer some requests differently */
  MockApiServer(UnaryOperator<Dispatcher> around) {
    dispatcher = around.apply(new KubernetesCrudDispatcher());
    // One INFO line per request slows the mock down more than the requests themselves.
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
    start(0);
  }

  private void start(int onPort) {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), onPort);
    port = server.getPort();
    client = server.createClient();
  }

  /** The URL to give the plugin's {@code endpoint}. */
  String url() {
    return "http://127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  /** A client for the test to create, change and delete objects. */
  KubernetesClient client() {
    return client;
  }

  /** Stops listening; the objects are kept. */
  void stop() {
    client.close();
    server.destroy();
  }

  /** Listens again on the same port with the same objects. */
  void restart() {
    start(port);
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
