package dev.corvus.dns.server.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.server.testplugins.PluginJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A listener kind as a jar in {@code plugins/}: its own class loader, found with ServiceLoader,
 * serving a scheme's server block through the server's query path.
 */
class ListenerPluginTest {

  /**
   * A stand-in for a real {@code grpc://} transport: DNS messages with a two-byte length over
   * plain TCP, read on the plugin's own thread. What matters here is the SPI, not the protocol.
   */
  private static final String FRAMED_LISTENER = """
      package com.example;

      import dev.corvus.dns.api.Transport;
      import dev.corvus.dns.api.listener.*;
      import java.io.*;
      import java.net.*;
      import java.nio.ByteBuffer;

      public class FramedListener implements ListenerFactory {
        public String scheme() { return "grpc"; }

        public Listener bind(ListenerSpec spec, QueryService queries) throws IOException {
          ServerSocket server = new ServerSocket();
          server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), spec.address().getPort()));
          Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
              try (Socket socket = server.accept()) {
                DataInputStream in = new DataInputStream(socket.getInputStream());
                DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                byte[] query = new byte[in.readUnsignedShort()];
                in.readFully(query);
                java.util.concurrent.CompletableFuture<byte[]> answer = new java.util.concurrent.CompletableFuture<>();
                queries.query(ByteBuffer.wrap(query), (InetSocketAddress) socket.getRemoteSocketAddress(),
                    Transport.GRPC, new QueryService.ResponseSink() {
                      public void respond(byte[] wire) { answer.complete(wire); }
                      public void drop() { answer.complete(new byte[0]); }
                    });
                byte[] wire = answer.get();
                out.writeShort(wire.length);
                out.write(wire);
                out.flush();
              } catch (Exception e) {
                // a closed server socket ends the loop
              }
            }
          }, "framed-listener");
          accept.setDaemon(true);
          accept.start();
          return new Listener() {
            public InetSocketAddress boundAddress() { return (InetSocketAddress) server.getLocalSocketAddress(); }
            public void stopReading() { close(); }
            public void close() {
              try { server.close(); } catch (IOException e) { }
            }
          };
        }
      }
      """;

  @Test
  void aSchemeIsServedByTheListenerPluginThatProvidesIt(@TempDir Path dir) throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.move(PluginJars.build(dir, "framed", Map.of("com.example.FramedListener", FRAMED_LISTENER),
        Map.of("dev.corvus.dns.api.listener.ListenerFactory", List.of("com.example.FramedListener")), Map.of()),
        plugins.resolve("framed.jar"));
    try (Corvus server = Corvus.builder().corefile("grpc://.:0 {\n records {\n  who.example. 60 IN A 192.0.2.1\n }\n}\n")
        .pluginDirectory(plugins)
        .dnsPort(0).start()) {
      Corvus.ListenerAddress listener = server.listeners().get(0);
      assertEquals(null, listener.udp());
      Message answer = new DnsClient(listener.stream()).tcp("who.example.", Type.A);
      assertEquals(Rcode.NOERROR, answer.getRcode());
      assertEquals("192.0.2.1", answer.getSection(Section.ANSWER).get(0).rdataToString());
      assertTrue(listener.label().startsWith("grpc://:"), listener.label());
    }
  }

  @Test
  void aSchemeWithoutItsListenerPluginIsRejectedAtItsLine() {
    ConfigException error = assertThrows(ConfigException.class,
        () -> Corvus.builder().corefile(".:0 {\n records\n}\nhttps://example.org:0 {\n records\n}\n").dnsPort(0).start());
    assertTrue(error.getMessage().startsWith("<embedded>:4: scheme https:// needs a listener plugin"), error.getMessage());
  }
}
