package dev.corvus.dns.server.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.capability.ServerControl;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Placement;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import dev.corvus.dns.server.Corvus;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Capabilities beyond the general SPI reach only the plugins that declare them. */
class CapabilityTest {

  /** {@code control}: asks for the server's control surface, declaring it or not. */
  private static final class ControlUser implements PluginFactory {
    private final Set<Class<?>> declared;
    final AtomicReference<ServerControl> granted = new AtomicReference<>();

    ControlUser(Set<Class<?>> declared) {
      this.declared = declared;
    }

    @Override
    public String directive() {
      return "control";
    }

    @Override
    public Placement placement() {
      return Placement.before("records");
    }

    @Override
    public Set<Class<?>> capabilities() {
      return declared;
    }

    @Override
    public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
      try {
        granted.set(context.capability(ServerControl.class));
      } catch (IllegalStateException e) {
        throw config.error(e.getMessage());
      }
      return Plugin.none();
    }
  }

  @Test
  void aDeclaredCapabilityIsGrantedForTheServedConfiguration() throws Exception {
    ControlUser factory = new ControlUser(Set.of(ServerControl.class));
    try (Corvus server = Corvus.builder().plugin(factory).corefile(".:0 {\n control\n records\n}\n").dnsPort(0).start()) {
      ServerControl control = factory.granted.get();
      assertEquals(List.of(), control.configSource().files(), "served from a string, no files");
      assertEquals(64 * 2, control.configSource().sha512().length());
      assertEquals(server.control().configSource(), control.configSource());
    }
  }

  @Test
  void anUndeclaredCapabilityIsRefusedWithTheReason() {
    ConfigException error = assertThrows(ConfigException.class, () -> Corvus.builder()
        .plugin(new ControlUser(Set.of())).corefile(".:0 {\n control\n records\n}\n").dnsPort(0).start());
    assertTrue(error.getMessage().startsWith("<embedded>:2: control: control uses capability "
        + ServerControl.class.getName() + " without declaring it"), error.getMessage());
  }

  @Test
  void aCapabilityTheServerDoesNotGrantFailsLoading() {
    IOException error = assertThrows(IOException.class, () -> Corvus.builder()
        .plugin(new ControlUser(Set.of(Runtime.class))).corefile(".:0 {\n records\n}\n").dnsPort(0).start());
    assertTrue(error.getMessage().contains("asks for capability java.lang.Runtime, which this server does not grant"),
        error.getMessage());
  }
}
