package dev.corvus.dns.conformance;

import dev.corvus.dns.conformance.ConformanceFile.ServerSpec;
import dev.corvus.dns.conformance.ConformanceFile.StubSpec;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.testkit.peers.Etcd;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Corvus server started for one {@link ServerSpec}: its files written to a directory of their
 * own, its upstream stubs listening, its Corefile's placeholders filled in.
 */
final class ServerUnderTest implements AutoCloseable {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");

  private final Corvus server;
  private final List<StubUpstream> stubs;
  private final Etcd etcd;

  private ServerUnderTest(Corvus server, List<StubUpstream> stubs, Etcd etcd) {
    this.server = server;
    this.stubs = stubs;
    this.etcd = etcd;
  }

  /** Writes the files into {@code directory}, starts the stubs and then the server. */
  static ServerUnderTest start(ServerSpec spec, Path directory) throws Exception {
    Files.createDirectories(directory);
    Map<String, String> values = new HashMap<>();
    for (Map.Entry<String, String> file : spec.files().entrySet()) {
      Path path = directory.resolve(file.getKey());
      Files.createDirectories(path.getParent());
      Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
      values.put(file.getKey(), path.toString());
      // a file under a folder makes the folder nameable too (the kubernetes plugin's offline DIR)
      String key = file.getKey();
      for (int slash = key.lastIndexOf('/'); slash > 0; slash = key.lastIndexOf('/', slash - 1)) {
        values.put(key.substring(0, slash), directory.resolve(key.substring(0, slash)).toString());
      }
    }
    List<StubUpstream> stubs = new ArrayList<>();
    Etcd etcd = null;
    try {
      if (!spec.etcd().isEmpty()) {
        etcd = new Etcd();
        for (Map.Entry<String, String> key : spec.etcd().entrySet()) {
          etcd.put(key.getKey(), key.getValue());
        }
        values.put("etcd", etcd.url());
      }
      for (Map.Entry<String, StubSpec> stub : spec.stubs().entrySet()) {
        StubUpstream started = StubUpstream.start(stub.getKey(), stub.getValue());
        stubs.add(started);
        values.put(stub.getKey(), started.address());
      }
      String corefile = fill(spec.corefile(), values);
      Corvus server = Corvus.builder().corefile(corefile).plugin(new TestMetadataFactory()).dnsPort(0).start();
      return new ServerUnderTest(server, stubs, etcd);
    } catch (Exception | Error e) {
      for (StubUpstream stub : stubs) {
        stub.close();
      }
      if (etcd != null) {
        etcd.close();
      }
      throw e;
    }
  }

  private static String fill(String corefile, Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(corefile);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null) {
        throw new IllegalArgumentException("the Corefile names ${" + m.group(1) + "}, which is neither a file nor a stub");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  InetSocketAddress udpAddress() {
    return server.udpAddress();
  }

  InetSocketAddress tcpAddress() {
    return server.tcpAddress();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (StubUpstream stub : stubs) {
      stub.close();
    }
    if (etcd != null) {
      etcd.close();
    }
  }
}
