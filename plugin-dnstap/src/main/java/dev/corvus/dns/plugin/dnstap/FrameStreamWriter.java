package dev.corvus.dns.plugin.dnstap;

import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.metrics.Gauge;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends frames to one collector as a bidirectional Frame Streams writer
 * (https://farsightsec.github.io/fstrm/): READY, wait for ACCEPT, START, data frames, and STOP
 * then FINISH when stopped, with the content type {@code protobuf:dnstap.Dnstap}.
 *
 * <p>Queries never wait for it: {@link #offer} puts a frame in a bounded queue and counts it as
 * dropped when the queue is full. A thread of its own empties the queue onto the socket with
 * blocking writes, connects, and reconnects after any failure (the collector restarted, went
 * away, or was not there yet) every {@code reconnectDelay}. While there is no connection frames
 * stay queued, so a collector that comes back receives what the queue held; only what overflowed,
 * and frames in a write that failed, are lost — and counted.
 */
final class FrameStreamWriter {

  static final byte[] CONTENT_TYPE = "protobuf:dnstap.Dnstap".getBytes(StandardCharsets.US_ASCII);

  static final int ACCEPT = 1;
  static final int START = 2;
  static final int STOP = 3;
  static final int READY = 4;
  static final int FINISH = 5;
  static final int FIELD_CONTENT_TYPE = 1;

  private static final Logger log = LoggerFactory.getLogger(FrameStreamWriter.class);
  private static final Duration IO_TIMEOUT = Duration.ofSeconds(4);
  private static final int BATCH = 256;
  private static final int BUFFER = 64 * 1024;

  private final DnstapConfig.Endpoint endpoint;
  private final int writeBufferBytes;
  private final BlockingQueue<byte[]> queue;
  private final Duration reconnectDelay;
  private final Counter.Child sent;
  private final Counter.Child droppedQueueFull;
  private final Counter.Child droppedWriteError;
  private final Gauge.Child connected;
  private final Thread thread;
  private volatile boolean running = true;

  FrameStreamWriter(DnstapConfig config, DnstapMetrics metrics, Duration reconnectDelay) {
    this.endpoint = config.endpoint();
    this.writeBufferBytes = config.writeBufferBytes();
    this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
    this.reconnectDelay = reconnectDelay;
    String label = endpoint.label();
    this.sent = metrics.sent.labels(label);
    this.droppedQueueFull = metrics.dropped.labels(label, "queue_full");
    this.droppedWriteError = metrics.dropped.labels(label, "write_error");
    this.connected = metrics.connected.labels(label);
    this.thread = new Thread(this::run, "corvus-dnstap " + label);
    thread.setDaemon(true);
  }

  /** Queues one encoded {@code Dnstap} message; never blocks. */
  void offer(byte[] frame) {
    if (!queue.offer(frame)) {
      droppedQueueFull.inc();
    }
  }

  void start() {
    thread.start();
  }

  /** Sends what is queued (when connected), STOP, waits briefly for FINISH, and ends the thread. */
  void stop() {
    running = false;
    thread.interrupt();
    try {
      thread.join(IO_TIMEOUT.toMillis() + 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    boolean warned = false;
    while (running) {
      try (SocketChannel channel = connect()) {
        handshake(channel);
        connected.set(1);
        warned = false;
        log.info("dnstap: connected to {}", endpoint.label());
        pump(channel);
        finish(channel);
        return;
      } catch (IOException e) {
        if (!running) {
          return;
        }
        if (!warned) {
          log.warn("dnstap: no connection to {}: {}; retrying every {} ms, queueing up to {} messages",
              endpoint.label(), e.getMessage(), reconnectDelay.toMillis(), queue.remainingCapacity() + queue.size());
          warned = true;
        }
      } finally {
        connected.set(0);
      }
      try {
        Thread.sleep(reconnectDelay.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private SocketChannel connect() throws IOException {
    if (endpoint instanceof DnstapConfig.UnixSocket unix) {
      SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
      try {
        channel.connect(UnixDomainSocketAddress.of(unix.path()));
        return channel;
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    }
    DnstapConfig.Tcp tcp = (DnstapConfig.Tcp) endpoint;
    InetSocketAddress address = new InetSocketAddress(tcp.host(), tcp.port());
    if (address.isUnresolved()) {
      throw new IOException("cannot resolve " + tcp.host());
    }
    SocketChannel channel = SocketChannel.open();
    try {
      channel.setOption(StandardSocketOptions.SO_SNDBUF, writeBufferBytes);
      channel.configureBlocking(false);
      if (!channel.connect(address)) {
        try (Selector selector = Selector.open()) {
          channel.register(selector, SelectionKey.OP_CONNECT);
          if (selector.select(IO_TIMEOUT.toMillis()) == 0) {
            throw new SocketTimeoutException("connect timed out");
          }
          channel.finishConnect();
        }
      }
      channel.configureBlocking(true);
      return channel;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static void handshake(SocketChannel channel) throws IOException {
    writeFully(channel, controlFrame(READY, CONTENT_TYPE));
    ControlFrame accept = readControlFrame(channel);
    if (accept.type() != ACCEPT) {
      throw new IOException("expected ACCEPT from the collector, got control frame " + accept.type());
    }
    if (!accept.contentTypes().isEmpty()
        && accept.contentTypes().stream().noneMatch(t -> java.util.Arrays.equals(t, CONTENT_TYPE))) {
      throw new IOException("the collector does not accept protobuf:dnstap.Dnstap");
    }
    writeFully(channel, controlFrame(START, CONTENT_TYPE));
  }

  /** Writes queued frames until stopped; throws when the connection fails. */
  private void pump(SocketChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
    List<byte[]> batch = new ArrayList<>(BATCH);
    ByteBuffer probe = ByteBuffer.allocate(64);
    while (true) {
      byte[] first;
      try {
        first = running ? queue.poll(1, TimeUnit.SECONDS) : queue.poll();
      } catch (InterruptedException e) {
        // stop(): fall through to send what is queued, then STOP.
        Thread.interrupted();
        first = queue.poll();
      }
      if (first == null) {
        if (!running) {
          return;
        }
        checkOpen(channel, probe);
        continue;
      }
      batch.add(first);
      queue.drainTo(batch, BATCH - 1);
      try {
        for (byte[] frame : batch) {
          if (buffer.remaining() < 4 + frame.length) {
            flush(channel, buffer);
          }
          if (4 + frame.length > buffer.capacity()) {
            ByteBuffer big = ByteBuffer.allocate(4 + frame.length);
            big.putInt(frame.length).put(frame).flip();
            writeFully(channel, big);
          } else {
            buffer.putInt(frame.length).put(frame);
          }
        }
        flush(channel, buffer);
        sent.inc(batch.size());
      } catch (IOException e) {
        droppedWriteError.inc(batch.size());
        throw e;
      } finally {
        batch.clear();
      }
    }
  }

  /**
   * Notices a collector that went away while nothing was written: the peer's end of the stream
   * reads as closed. A unix socket write would fail at once, but over TCP the first write after
   * the peer closed still succeeds and its frames are lost.
   */
  private static void checkOpen(SocketChannel channel, ByteBuffer probe) throws IOException {
    channel.configureBlocking(false);
    try {
      probe.clear();
      if (channel.read(probe) < 0) {
        throw new EOFException("the collector closed the connection");
      }
    } finally {
      channel.configureBlocking(true);
    }
  }

  private static void finish(SocketChannel channel) throws IOException {
    writeFully(channel, controlFrame(STOP));
    ControlFrame finish = readControlFrame(channel);
    if (finish.type() != FINISH) {
      log.debug("dnstap: expected FINISH, got control frame {}", finish.type());
    }
  }

  private static void flush(SocketChannel channel, ByteBuffer buffer) throws IOException {
    buffer.flip();
    writeFully(channel, buffer);
    buffer.clear();
  }

  private static void writeFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  static ByteBuffer controlFrame(int type, byte[]... contentTypes) {
    int length = 4;
    for (byte[] contentType : contentTypes) {
      length += 8 + contentType.length;
    }
    ByteBuffer frame = ByteBuffer.allocate(8 + length);
    frame.putInt(0).putInt(length).putInt(type);
    for (byte[] contentType : contentTypes) {
      frame.putInt(FIELD_CONTENT_TYPE).putInt(contentType.length).put(contentType);
    }
    return frame.flip();
  }

  /** A control frame: its type and the content types it names. */
  record ControlFrame(int type, List<byte[]> contentTypes) {}

  /** Reads one control frame, waiting at most {@link #IO_TIMEOUT}. */
  static ControlFrame readControlFrame(SocketChannel channel) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(8);
    readFully(channel, header);
    if (header.getInt(0) != 0) {
      throw new IOException("expected a control frame, got a data frame");
    }
    int length = header.getInt(4);
    if (length < 4 || length > 512) {
      throw new IOException("control frame of length " + length);
    }
    ByteBuffer body = ByteBuffer.allocate(length);
    readFully(channel, body);
    body.flip();
    int type = body.getInt();
    List<byte[]> contentTypes = new ArrayList<>();
    while (body.remaining() >= 8) {
      int field = body.getInt();
      int fieldLength = body.getInt();
      if (fieldLength < 0 || fieldLength > body.remaining()) {
        throw new IOException("control frame field of length " + fieldLength);
      }
      byte[] value = new byte[fieldLength];
      body.get(value);
      if (field == FIELD_CONTENT_TYPE) {
        contentTypes.add(value);
      }
    }
    return new ControlFrame(type, contentTypes);
  }

  private static void readFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
    channel.configureBlocking(false);
    try (Selector selector = Selector.open()) {
      channel.register(selector, SelectionKey.OP_READ);
      long deadline = System.nanoTime() + IO_TIMEOUT.toNanos();
      while (buffer.hasRemaining()) {
        int read = channel.read(buffer);
        if (read < 0) {
          throw new EOFException("the collector closed the connection");
        }
        if (read == 0) {
          long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
          if (left <= 0) {
            throw new SocketTimeoutException("no control frame from the collector in " + IO_TIMEOUT.toSeconds() + " s");
          }
          selector.select(left);
        }
      }
    } finally {
      if (channel.isOpen()) {
        channel.configureBlocking(true);
      }
    }
  }
}
