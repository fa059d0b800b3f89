package dev.corvus.dns.server.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.corvus.dns.api.Transport;
import dev.corvus.dns.server.metrics.PrometheusMetrics;
import dev.corvus.dns.server.transport.InlineLoop;
import dev.corvus.dns.server.transport.QueryExecutor;
import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;

/**
 * Fuzzes the query path as the listeners drive it: any bytes a client sends go through {@link
 * QueryExecutor#execute} over UDP and over TCP (the frame's payload), through parsing, routing,
 * the chain and encoding with EDNS0 and truncation.
 *
 * <p>Invariants: the executor never throws; it answers at most once; every answer parses, has QR
 * set and the query's ID (when the query has its first two bytes), and over UDP fits the client's
 * payload size (its EDNS0 size, at least 512; 512 without EDNS0). No input takes longer than the
 * {@link Timeout} (libFuzzer's per-input timeout when fuzzing).
 *
 * <p>Seeds and regression inputs: {@code src/test/resources/.../PacketFuzzTestInputs/packet}. The
 * regular test run replays them; {@code JAZZER_FUZZ=1} fuzzes (see the dns-server pom).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PacketFuzzTest {

  private static final InetSocketAddress CLIENT =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
  /** The executor reads from the buffer's position: give it one that does not start at 0. */
  private static final int OFFSET = 3;
  private static final int MAX_TCP_MESSAGE = 65535;
  private static final int DEFAULT_UDP_PAYLOAD = 512;

  private final HashedWheelTimer timer =
      new HashedWheelTimer(new DefaultThreadFactory("fuzz-deadlines", true), 10, TimeUnit.MILLISECONDS);
  private final QueryExecutor executor = new QueryExecutor(
      new PrometheusMetrics(), new QueryExecutor.Limits(1024, Duration.ofSeconds(5)), timer);
  private final FuzzRoutes routes = new FuzzRoutes();

  @AfterAll
  void stopTimer() {
    timer.stop();
  }

  @Timeout(10)
  @FuzzTest(maxDuration = "30s")
  void packet(byte[] query) {
    answer(query, Transport.UDP);
    answer(query, Transport.TCP);
  }

  private void answer(byte[] query, Transport transport) {
    ByteBuffer wire = ByteBuffer.allocate(OFFSET + query.length);
    wire.put(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe}).put(query).flip().position(OFFSET);
    List<byte[]> sent = new ArrayList<>();
    executor.execute(wire, CLIENT, transport, new InlineLoop(), routes::table, InlineLoop.collectingInto(sent));
    routes.completePending();
    assertTrue(sent.size() <= 1, () -> sent.size() + " answers over " + transport);
    for (byte[] response : sent) {
      check(query, response, transport);
    }
  }

  private static void check(byte[] query, byte[] response, Transport transport) {
    String context = transport + " answer " + HexFormat.of().formatHex(response);
    Message parsed;
    try {
      parsed = new Message(response);
    } catch (IOException e) {
      throw new AssertionError("unparseable " + context, e);
    }
    assertTrue(parsed.getHeader().getFlag(Flags.QR), () -> "QR not set in " + context);
    if (query.length >= 2) {
      int id = ((query[0] & 0xff) << 8) | (query[1] & 0xff);
      assertEquals(id, parsed.getHeader().getID(), () -> "ID of " + context);
    }
    int limit = transport.isDatagram() ? udpPayloadSize(query) : MAX_TCP_MESSAGE;
    assertTrue(response.length <= limit, () -> response.length + " bytes > " + limit + ": " + context);
  }

  /** What the client accepts over UDP (RFC 6891 §6.2.5), read independently of the executor. */
  private static int udpPayloadSize(byte[] query) {
    try {
      OPTRecord opt = new Message(query).getOPT();
      return opt == null ? DEFAULT_UDP_PAYLOAD : Math.max(DEFAULT_UDP_PAYLOAD, opt.getPayloadSize());
    } catch (IOException | RuntimeException e) {
      return DEFAULT_UDP_PAYLOAD;
    }
  }
}
