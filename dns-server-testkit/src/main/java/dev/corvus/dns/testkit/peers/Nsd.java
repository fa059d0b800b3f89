package dev.corvus.dns.testkit.peers;

import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.Poll;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** An NSD ({@code /usr/sbin/nsd}) on a free loopback port, with the zone section given. */
public final class Nsd implements AutoCloseable {

  private final Path dir;
  private final int port;
  private final Process process;

  private Nsd(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  /** Starts NSD in {@code dir} on {@code port} with {@code zones}: the key: and zone: sections of its configuration. */
  public static Nsd start(Path dir, int port, String zones) throws IOException {
    String nsd = Peers.require("nsd", "nsd");
    Files.createDirectories(dir);
    Path conf = dir.resolve("nsd.conf");
    Files.writeString(conf, """
        server:
          ip-address: 127.0.0.1@%1$d
          port: %1$d
          zonesdir: "%2$s"
          pidfile: "%2$s/nsd.pid"
          database: ""
          username: ""
          chroot: ""
          xfrdfile: "%2$s/xfrd.state"
          zonelistfile: "%2$s/zone.list"
          xfrdir: "%2$s"
          logfile: "%2$s/nsd.log"
          verbosity: 2
        remote-control:
          control-enable: no
        """.formatted(port, dir) + zones);
    return new Nsd(dir, port, Peers.start(dir.resolve("stdout.log"), nsd, "-d", "-c", conf.toString()));
  }

  /** A client of this NSD. */
  public DnsClient client() {
    return new DnsClient(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), Duration.ofMillis(300));
  }

  /** Waits until NSD answers for {@code zone}. */
  public boolean awaitServing(String zone) throws InterruptedException {
    DnsClient client = client();
    return Poll.until(Duration.ofSeconds(15), () -> {
      try {
        return client.udp(zone, Type.SOA).getRcode() == Rcode.NOERROR;
      } catch (IOException e) {
        return false;
      }
    });
  }

  /** Makes NSD read its zone files again (SIGHUP), which notifies its secondaries of changes. */
  public void reload() throws IOException, InterruptedException {
    Peers.run("kill", "-HUP", String.valueOf(process.pid()));
  }

  /** NSD's log. */
  public String log() throws IOException {
    Path log = dir.resolve("nsd.log");
    return Files.exists(log) ? Files.readString(log) : Files.readString(dir.resolve("stdout.log"));
  }

  /** Stops NSD (the primary going away). */
  public void stop() {
    close();
  }

  @Override
  public void close() {
    try {
      Peers.stop(process);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
