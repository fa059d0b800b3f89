package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.api.config.ResolvConf;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
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

    /** resolv.conf nameservers are plain DNS on its port, as CoreDNS reads them. */
    private static final int DNS_PORT = 53;

    public ResolvConfFile {
      nameservers = List.copyOf(nameservers);
    }

    /**
     * The nameservers {@code file} names now, in file order, as plain DNS upstreams on port 53
     * (read with the toolkit's {@link ResolvConf}).
     *
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException when a nameserver is not an IP address
     */
    static List<UpstreamAddress> nameservers(Path file) throws IOException {
      List<UpstreamAddress> upstreams = new ArrayList<>();
      for (InetAddress nameserver : ResolvConf.read(file).nameservers()) {
        upstreams.add(new UpstreamAddress(new InetSocketAddress(nameserver, DNS_PORT), false));
      }
      return List.copyOf(upstreams);
    }

    @Override
    public List<UpstreamAddress> upstreams() {
      return nameservers;
    }
  }
}
