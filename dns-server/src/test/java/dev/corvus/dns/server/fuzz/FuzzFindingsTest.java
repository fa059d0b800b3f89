package dev.corvus.dns.server.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.Transport;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.corefile.Corefile;
import dev.corvus.dns.server.corefile.CorefileParser;
import dev.corvus.dns.server.metrics.PrometheusMetrics;
import dev.corvus.dns.server.transport.InlineLoop;
import dev.corvus.dns.server.transport.QueryExecutor;
import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * What the fuzz targets found, pinned down with the expected outcome (their inputs are also in the
 * targets' seed corpora, where the regular run replays them against the invariants).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(10)
class FuzzFindingsTest {

  private final HashedWheelTimer timer =
      new HashedWheelTimer(new DefaultThreadFactory("findings-deadlines", true), 10, TimeUnit.MILLISECONDS);
  private final QueryExecutor executor = new QueryExecutor(
      new PrometheusMetrics(), new QueryExecutor.Limits(16, Duration.ofSeconds(5)), timer);

  @TempDir Path dir;

  @AfterAll
  void stopTimer() {
    timer.stop();
  }

  /** PacketFuzzTest: dnsjava keeps a TC query whose counted question is missing; it was routed (NPE). */
  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"UDP", "TCP"})
  void truncatedQueryWithoutItsCountedQuestionIsAnsweredFormErr(Transport transport) throws Exception {
    byte[] query = {0x12, 0x34, 0x03, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0};
    List<byte[]> sent = new ArrayList<>();

    executor.execute(ByteBuffer.wrap(query), new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000),
        transport, new InlineLoop(), new FuzzRoutes()::table, InlineLoop.collectingInto(sent));

    assertEquals(1, sent.size());
    Message response = new Message(sent.get(0));
    assertEquals(0x1234, response.getHeader().getID());
    assertTrue(response.getHeader().getFlag(Flags.QR));
    assertEquals(Rcode.FORMERR, response.getRcode());
  }

  /** CorefileFuzzTest: a block without addresses looped forever; Caddy parses it and drops it. */
  @Test
  void blockWithoutAddressIsParsedAndDropped() throws Exception {
    Corefile corefile = CorefileParser.parse("{\n  whoami\n}\n\"\" {\n  log\n}\n.:53 {\n  errors\n}\n", "<t>", dir, Map.of(), 53);

    assertEquals(1, corefile.blocks().size());
    assertEquals("dns://.:53", corefile.blocks().get(0).keys().get(0).label());
    ConfigException unclosed =
        assertThrows(ConfigException.class, () -> CorefileParser.parse("{\n  whoami\n", "<t>", dir, Map.of(), 53));
    assertEquals("<t>:1: Unexpected EOF: the '{' opened here is never closed", unclosed.getMessage());
  }

  /** CorefileFuzzTest: an unclosed '[' in an import glob escaped as PatternSyntaxException. */
  @Test
  void importGlobWithUnclosedBracketIsAConfigError() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> CorefileParser.parse(".:53 {\n  import zones/*[conf\n}\n", "<t>", dir, Map.of(), 53));

    assertEquals("<t>:2: Failed to use import pattern zones/*[conf: syntax error in pattern", e.getMessage());
  }

  /** Blocks nested by the thousand overflowed the parser's stack. */
  @Test
  void blocksNestedBeyondTheBoundAreAConfigError() throws Exception {
    assertEquals(1, CorefileParser.parse(nested(100), "<t>", dir, Map.of(), 53).blocks().size());

    ConfigException tooDeep =
        assertThrows(ConfigException.class, () -> CorefileParser.parse(nested(101), "<t>", dir, Map.of(), 53));
    assertEquals("<t>:102: blocks nested more than 100 deep", tooDeep.getMessage());
    ConfigException farTooDeep = assertThrows(ConfigException.class,
        () -> CorefileParser.parse(".:53 {\n" + "a { ".repeat(50_000), "<t>", dir, Map.of(), 53));
    assertTrue(farTooDeep.getMessage().startsWith("<t>:2: blocks nested more than 100 deep"), farTooDeep::getMessage);
  }

  private static String nested(int depth) {
    return ".:53 {\n" + "option {\n".repeat(depth) + "}\n".repeat(depth) + "}\n";
  }
}
