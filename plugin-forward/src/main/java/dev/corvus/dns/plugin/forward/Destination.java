package dev.corvus.dns.plugin.forward;

import java.nio.file.Path;
import java.util.List;

/** One {@code TO} argument of the directive: an address, or a resolv.conf-style file. */
sealed interface Destination {

  /** The upstreams this destination stands for right now. */
  List<UpstreamAddress> upstreams();

  /**
   * A fixed upstream ({@code 10.0.0.1}, {@code 10.0.0.1:5353}, {@code tls://9.9.9.9}).
   *
   * @param upstream the upstream
   */
  record Fixed(UpstreamAddress upstream) implements Destination {
    @Override
    public List<UpstreamAddress> upstreams() {
      return List.of(upstream);
    }
  }

  /**
   * A resolv.conf-style file whose {@code nameserver} lines name the upstreams; it is watched
   * and re-read while the plugin runs.
   *
   * @param file the file
   * @param nameservers the upstreams it named when the configuration was read
   */
  record ResolvConfFile(Path file, List<UpstreamAddress> nameservers) implements Destination {
    public ResolvConfFile {
      nameservers = List.copyOf(nameservers);
    }

    @Override
    public List<UpstreamAddress> upstreams() {
      return nameservers;
    }
  }
}
