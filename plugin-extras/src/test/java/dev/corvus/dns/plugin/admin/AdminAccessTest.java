package dev.corvus.dns.plugin.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.plugin.HttpEndpoints.HttpRequest;
import dev.corvus.dns.api.plugin.HttpEndpoints.HttpResponse;
import dev.corvus.dns.api.plugin.HttpEndpoints.Route;
import dev.corvus.dns.api.plugin.Inspector;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.testkit.PluginTestKit;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AdminAccessTest {

  private static final InetSocketAddress ADDRESS = new InetSocketAddress("127.0.0.1", 9154);
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 40000);
  private static final InetSocketAddress REMOTE = new InetSocketAddress("10.1.2.3", 40000);

  /** A cache-like inspector that counts flushes. */
  private static final class FakeCache implements Inspector {
    final AtomicInteger flushes = new AtomicInteger();

    @Override
    public String topic() {
      return "cache";
    }

    @Override
    public Object inspect(Map<String, String> parameters) {
      return Map.of("entries", 3);
    }

    @Override
    public Object act(String action, Map<String, String> parameters) {
      flushes.incrementAndGet();
      return Map.of("flushed", 1);
    }
  }

  private record Admin(PluginTestKit kit, FakeCache cache, Route inspect) {}

  /** One kit per admin directive, so that each has its own inspectors and routes. */
  private final List<PluginTestKit> kits = new ArrayList<>();

  @AfterEach
  void closeKits() {
    kits.forEach(PluginTestKit::close);
  }

  private PluginTestKit kit() {
    PluginTestKit kit = new PluginTestKit();
    kits.add(kit);
    return kit;
  }

  private Admin admin(String directive) throws Exception {
    PluginTestKit kit = kit();
    FakeCache cache = new FakeCache();
    kit.context().inspectors().register(cache);
    Plugin plugin = kit.create(new AdminFactory(), directive);
    plugin.start();
    return new Admin(kit, cache, kit.route(ADDRESS, "/inspect/"));
  }

  private static HttpResponse call(Route route, String method, String path, InetSocketAddress client) {
    return route.handle(new HttpRequest(method, path, Map.of("name", "www.example.org"), client));
  }

  @Test
  void listensOnLoopbackPort9154ByDefault() throws Exception {
    AdminConfig config = AdminFactory.parse(kit().config("admin"));
    assertTrue(config.address().getAddress().isLoopbackAddress());
    assertEquals(9154, config.address().getPort());
  }

  @Test
  void refusesClientsOutsideLoopbackByDefault() throws Exception {
    Admin admin = admin("admin 127.0.0.1:9154");
    assertEquals(200, call(admin.inspect(), "GET", "/inspect/cache", LOOPBACK).status());
    HttpResponse refused = call(admin.inspect(), "GET", "/inspect/cache", REMOTE);
    assertEquals(403, refused.status());
    assertTrue(new String(refused.body(), StandardCharsets.UTF_8).contains("allow CIDR"));
    for (String path : List.of("/explain", "/config")) {
      assertEquals(403, call(admin.kit().route(ADDRESS, path), "GET", path, REMOTE).status(), path);
    }
  }

  @Test
  void allowAdmitsTheNamedNetworksOnly() throws Exception {
    Admin admin = admin("admin 127.0.0.1:9154 {\n allow 10.0.0.0/8 2001:db8::/32\n}");
    assertEquals(200, call(admin.inspect(), "GET", "/inspect/cache", REMOTE).status());
    assertEquals(403, call(admin.inspect(), "GET", "/inspect/cache", new InetSocketAddress("192.0.2.1", 1)).status());
  }

  @Test
  void flushIsRefusedUnlessConfiguredAndNeedsPost() throws Exception {
    Admin closed = admin("admin 127.0.0.1:9154");
    assertEquals(403, call(closed.inspect(), "POST", "/inspect/cache/flush", LOOPBACK).status());
    assertEquals(0, closed.cache().flushes.get());

    Admin open = admin("admin 127.0.0.1:9154 {\n flush\n}");
    assertEquals(405, call(open.inspect(), "GET", "/inspect/cache/flush", LOOPBACK).status());
    HttpResponse flushed = call(open.inspect(), "POST", "/inspect/cache/flush", LOOPBACK);
    assertEquals(200, flushed.status());
    assertTrue(new String(flushed.body(), StandardCharsets.UTF_8).contains("\"flushed\": 1"));
    assertEquals(1, open.cache().flushes.get());
  }

  @Test
  void badConfigurationNamesTheDirective() {
    for (String bad : List.of("admin {\n allow\n}", "admin {\n allow 10.0.0.0/99\n}", "admin {\n shout\n}")) {
      try {
        AdminFactory.parse(kit().config(bad));
        throw new AssertionError("accepted: " + bad);
      } catch (ConfigException e) {
        assertTrue(e.getMessage().contains("admin"), e.getMessage());
      }
    }
  }
}
