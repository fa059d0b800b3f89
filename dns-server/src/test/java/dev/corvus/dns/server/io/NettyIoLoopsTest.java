package dev.corvus.dns.server.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.TlsFiles;
import dev.corvus.dns.api.io.DatagramConnection;
import dev.corvus.dns.api.io.DatagramHandler;
import dev.corvus.dns.api.io.IoLoop;
import dev.corvus.dns.api.io.StreamConnection;
import dev.corvus.dns.api.io.StreamHandler;
import dev.corvus.dns.api.io.StreamOptions;
import dev.corvus.dns.server.transport.Transports;
import io.netty.channel.EventLoopGroup;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The server's loops as plugins use them: connected UDP, framed TCP, checked TLS settings. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NettyIoLoopsTest {

  private EventLoopGroup group;
  private NettyIoLoops loops;

  @BeforeAll
  void startLoops() {
    Transports transports = Transports.detect();
    group = transports.newGroup(1, "io-loops-test");
    loops = new NettyIoLoops(transports, group);
  }

  @AfterAll
  void stopLoops() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Records what a datagram connection reports. */
  private static final class Recorder implements DatagramHandler {
    final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    final CompletableFuture<IOException> failed = new CompletableFuture<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();

    @Override
    public void received(ByteBuffer datagram) {
      byte[] bytes = new byte[datagram.remaining()];
      datagram.get(bytes);
      received.add(bytes);
    }

    @Override
    public void failed(IOException cause) {
      failed.complete(cause);
    }

    @Override
    public void closed() {
      closed.complete(null);
    }
  }

  private <T> T onLoop(IoLoop loop, java.util.function.Supplier<T> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    loop.execute(() -> result.complete(action.get()));
    return result.get(5, TimeUnit.SECONDS);
  }

  @Test
  void aConnectedDatagramSocketExchangesWithItsPeer() throws Exception {
    try (DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      peer.setSoTimeout(5000);
      IoLoop loop = loops.next();
      Recorder recorder = new Recorder();
      DatagramConnection connection = onLoop(loop,
          () -> loop.openDatagram((InetSocketAddress) peer.getLocalSocketAddress(), recorder));
      loop.execute(() -> connection.send(new byte[] {1, 2, 3}));
      DatagramPacket packet = new DatagramPacket(new byte[16], 16);
      peer.receive(packet);
      assertEquals(3, packet.getLength());
      peer.send(new DatagramPacket(new byte[] {4, 5}, 2, packet.getSocketAddress()));
      assertArrayEquals(new byte[] {4, 5}, recorder.received.poll(5, TimeUnit.SECONDS));
      loop.execute(connection::close);
      recorder.closed.get(5, TimeUnit.SECONDS);
      assertFalse(recorder.failed.isDone());
    }
  }

  @Test
  void nobodyListeningIsReportedAtOnceNotAsATimeout() throws Exception {
    int port;
    try (DatagramSocket gone = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = gone.getLocalPort();
    }
    IoLoop loop = loops.next();
    Recorder recorder = new Recorder();
    long start = System.nanoTime();
    DatagramConnection connection = onLoop(loop,
        () -> loop.openDatagram(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), recorder));
    loop.execute(() -> connection.send(new byte[] {1}));
    IOException cause = recorder.failed.get(5, TimeUnit.SECONDS);
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(cause instanceof PortUnreachableException, String.valueOf(cause));
    assertTrue(elapsedMillis < 500, "reported after " + elapsedMillis + " ms");
    recorder.closed.get(5, TimeUnit.SECONDS);
    assertFalse(onLoop(loop, connection::isOpen));
  }

  @Test
  void aStreamConnectionFramesMessagesBothWays() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> {
        try (Socket socket = server.accept()) {
          DataInputStream in = new DataInputStream(socket.getInputStream());
          byte[] message = new byte[in.readUnsignedShort()];
          in.readFully(message);
          DataOutputStream out = new DataOutputStream(socket.getOutputStream());
          out.writeShort(message.length + 1);
          out.write(message);
          out.write(9);
          out.flush();
          return message;
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
      CompletableFuture<Void> connected = new CompletableFuture<>();
      IoLoop loop = loops.next();
      StreamConnection connection = onLoop(loop, () -> loop.connect(
          (InetSocketAddress) server.getLocalSocketAddress(),
          StreamOptions.tcp(Duration.ofSeconds(2), Duration.ZERO),
          new StreamHandler() {
            @Override
            public void connected() {
              connected.complete(null);
            }

            @Override
            public void received(ByteBuffer message) {
              byte[] bytes = new byte[message.remaining()];
              message.get(bytes);
              received.add(bytes);
            }

            @Override
            public void closed(Throwable cause) {}
          }));
      // Sent before the connection is up: it waits for it.
      loop.execute(() -> connection.send(new byte[] {7, 7}));
      connected.get(5, TimeUnit.SECONDS);
      assertArrayEquals(new byte[] {7, 7}, echoed.get(5, TimeUnit.SECONDS));
      assertArrayEquals(new byte[] {7, 7, 9}, received.poll(5, TimeUnit.SECONDS));
      loop.execute(connection::close);
    }
  }

  @Test
  void aRefusedConnectionIsReportedAsClosedWithItsCause() throws Exception {
    int port;
    try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = gone.getLocalPort();
    }
    CompletableFuture<Throwable> closed = new CompletableFuture<>();
    IoLoop loop = loops.next();
    onLoop(loop, () -> loop.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
        StreamOptions.tcp(Duration.ofSeconds(2), Duration.ZERO), new StreamHandler() {
          @Override
          public void received(ByteBuffer message) {}

          @Override
          public void closed(Throwable cause) {
            closed.complete(cause);
          }
        }));
    Throwable cause = closed.get(5, TimeUnit.SECONDS);
    assertTrue(cause != null && String.valueOf(cause.getMessage()).toLowerCase().contains("refused"), String.valueOf(cause));
  }

  /** A second loopback address (Linux routes all of 127.0.0.0/8 to lo), for source_address. */
  private static final InetAddress SECOND_LOOPBACK = address("127.0.0.2");

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aDatagramSocketSendsFromTheLocalAddressItIsGiven() throws Exception {
    try (DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      peer.setSoTimeout(5000);
      IoLoop loop = loops.next();
      Recorder recorder = new Recorder();
      DatagramConnection connection = onLoop(loop, () -> loop.openDatagram(
          (InetSocketAddress) peer.getLocalSocketAddress(), Optional.of(SECOND_LOOPBACK), recorder));
      loop.execute(() -> connection.send(new byte[] {1, 2, 3}));
      DatagramPacket packet = new DatagramPacket(new byte[16], 16);
      peer.receive(packet);
      assertEquals(SECOND_LOOPBACK, packet.getAddress());
      assertTrue(packet.getPort() > 0);
      peer.send(new DatagramPacket(new byte[] {4, 5}, 2, packet.getSocketAddress()));
      assertArrayEquals(new byte[] {4, 5}, recorder.received.poll(5, TimeUnit.SECONDS));
      loop.execute(connection::close);
      recorder.closed.get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void anEmptyLocalAddressIsTheWildcardAddress() throws Exception {
    try (DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      peer.setSoTimeout(5000);
      IoLoop loop = loops.next();
      Recorder recorder = new Recorder();
      DatagramConnection connection = onLoop(loop, () -> loop.openDatagram(
          (InetSocketAddress) peer.getLocalSocketAddress(), Optional.empty(), recorder));
      loop.execute(() -> connection.send(new byte[] {1}));
      DatagramPacket packet = new DatagramPacket(new byte[16], 16);
      peer.receive(packet);
      assertEquals(InetAddress.getLoopbackAddress(), packet.getAddress());
      loop.execute(connection::close);
    }
  }

  @Test
  void aLocalAddressThatIsNotThisHostsFailsTheSocket() throws Exception {
    // 192.0.2.1 (TEST-NET-1) is no address of this host: binding fails before anything is sent.
    IoLoop loop = loops.next();
    Recorder recorder = new Recorder();
    DatagramConnection connection = onLoop(loop, () -> loop.openDatagram(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 53), Optional.of(address("192.0.2.1")), recorder));
    IOException cause = recorder.failed.get(5, TimeUnit.SECONDS);
    assertFalse(cause instanceof PortUnreachableException, String.valueOf(cause));
    recorder.closed.get(5, TimeUnit.SECONDS);
    assertFalse(onLoop(loop, connection::isOpen));

    CompletableFuture<Throwable> closed = new CompletableFuture<>();
    onLoop(loop, () -> loop.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), 53),
        Optional.of(address("192.0.2.1")), StreamOptions.tcp(Duration.ofSeconds(2), Duration.ZERO),
        new StreamHandler() {
          @Override
          public void received(ByteBuffer message) {}

          @Override
          public void closed(Throwable failure) {
            closed.complete(failure);
          }
        }));
    assertTrue(closed.get(5, TimeUnit.SECONDS) != null, "closed with the bind failure as its cause");
  }

  @Test
  void aStreamConnectionConnectsFromTheLocalAddressItIsGiven() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<InetAddress> peer = CompletableFuture.supplyAsync(() -> {
        try (Socket socket = server.accept()) {
          return socket.getInetAddress();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      CompletableFuture<Void> connected = new CompletableFuture<>();
      IoLoop loop = loops.next();
      StreamConnection connection = onLoop(loop, () -> loop.connect(
          (InetSocketAddress) server.getLocalSocketAddress(), Optional.of(SECOND_LOOPBACK),
          StreamOptions.tcp(Duration.ofSeconds(2), Duration.ZERO),
          new StreamHandler() {
            @Override
            public void connected() {
              connected.complete(null);
            }

            @Override
            public void received(ByteBuffer message) {}

            @Override
            public void closed(Throwable cause) {}
          }));
      connected.get(5, TimeUnit.SECONDS);
      assertEquals(SECOND_LOOPBACK, peer.get(5, TimeUnit.SECONDS));
      loop.execute(connection::close);
    }
  }

  @Test
  void garbageTlsFilesAreRejectedWhenTheSettingsAreMade(@TempDir Path dir) throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> loops.tlsClient(
        new TlsFiles(Optional.empty(), Optional.empty(), Optional.of(ca)), Optional.of("dns.example")));
    assertTrue(error.getMessage().startsWith("cannot load the TLS files: "), error.getMessage());
    assertEquals("dns.example", loops.tlsClient(TlsFiles.NONE, Optional.of("dns.example")).serverName());
  }

  @Test
  void theCurrentLoopIsKnownOnlyOnALoop() throws Exception {
    assertTrue(loops.current().isEmpty());
    IoLoop loop = loops.next();
    assertTrue(onLoop(loop, () -> loops.current().orElse(null) == loop));
  }
}
