package dev.corvus.dns.plugin.autopath;

import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Placement;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import dev.corvus.dns.api.capability.PodNamespaceLookup;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.Name;

/**
 * Test-only directive {@code fake_pod_namespaces NAMESPACE}: exports a {@link PodNamespaceLookup}
 * that puts every loopback client in NAMESPACE of the {@code cluster.local} cluster, standing in
 * for the kubernetes plugin.
 */
public final class FakePodNamespacesFactory implements PluginFactory {

  static final Name CLUSTER = Names.zone("cluster.local.");

  @Override
  public String directive() {
    return "fake_pod_namespaces";
  }

  @Override
  public Placement placement() {
    return Placement.before("autopath");
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    String namespace = config.nextArg("namespace");
    config.expectNoMoreArgs();
    context.services().export(PodNamespaceLookup.class, lookup(namespace));
    return Plugin.none();
  }

  /** Every loopback client is a pod in {@code namespace}. */
  static PodNamespaceLookup lookup(String namespace) {
    return new PodNamespaceLookup() {
      @Override
      public Optional<String> namespaceOf(InetAddress podIp) {
        return podIp.isLoopbackAddress() ? Optional.of(namespace) : Optional.empty();
      }

      @Override
      public List<Name> searchPath(String ns) {
        return List.of(Names.zone(ns + ".svc.cluster.local."), Names.zone("svc.cluster.local."), CLUSTER);
      }
    };
  }
}
