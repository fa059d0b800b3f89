package dev.corvus.dns.server.plugin;

import java.util.List;

/** CoreDNS's {@code plugin.cfg}: the chain order of its directives, first runs first. */
final class CorednsOrder {

  private CorednsOrder() {}

  static final List<String> DIRECTIVES = List.of(
      "root", "metadata", "geoip", "cancel", "proxyproto", "tls", "quic", "grpc_server", "https", "https3", "timeouts",
      "multisocket", "reload", "nsid", "bufsize", "bind", "debug", "trace", "ready", "health",
      "pprof", "prometheus", "errors", "log", "dnstap", "local", "dns64", "acl", "any", "chaos",
      "loadbalance", "tsig", "cache", "rewrite", "header", "dnssec", "autopath", "minimal",
      "template", "transfer", "hosts", "route53", "azure", "clouddns", "k8s_external",
      "kubernetes", "file", "auto", "secondary", "etcd", "loop", "forward", "grpc", "erratic",
      "whoami", "on", "sign", "view", "nomad");
}
