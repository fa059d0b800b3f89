package dev.corvus.dns.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.server.testplugins.TestPlugins;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

class ServerIntegrationTest {

  private static final String RECORDS = """
      .:0 {
          records {
              a.example. 300 IN A 192.0.2.1
              a.example. 300 IN AAAA 2001:db8::1
          }
      }
      """;

  @Test
  void answersOverUdpAndTcp() throws Exception {
    try (Corvus server = Corvus.builder().corefile(RECORDS).dnsPort(0).start()) {
      for (boolean tcp : new boolean[] {false, true}) {
        DnsClient client = new DnsClient(tcp ? server.tcpAddress() : server.udpAddress());
        Message query = DnsClient.newQuery("A.Example.", Type.A);
        Message answer = tcp ? client.tcp(query) : client.udp(query);
        assertEquals(Rcode.NOERROR, answer.getRcode());
        assertEquals(query.getHeader().getID(), answer.getHeader().getID());
        assertTrue(answer.getHeader().getFlag(Flags.QR));
        assertEquals("A.Example.", answer.getQuestion().getName().toString(), "question echoed as asked");
        List<Record> records = answer.getSection(Section.ANSWER);
        assertEquals(1, records.size());
        assertEquals("192.0.2.1", records.get(0).rdataToString());
      }
    }
  }

  @Test
  void refusesNamesOutsideEveryZone() throws Exception {
    String corefile = """
        example.:0 {
            records {
                a.example. 300 IN A 192.0.2.1
            }
        }
        """;
    try (Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      Message answer = new DnsClient(server.udpAddress()).udp("example.org.", Type.A);
      assertEquals(Rcode.REFUSED, answer.getRcode());
    }
  }

  @Test
  void routesToTheLongestMatchingZone() throws Exception {
    String corefile = """
        example.:0 {
            records {
                a.sub.example. 300 IN A 192.0.2.1
            }
        }
        sub.example.:0 {
            records {
                a.sub.example. 300 IN A 192.0.2.2
            }
        }
        """;
    try (Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      DnsClient client = new DnsClient(server.udpAddress());
      assertEquals("192.0.2.2", client.udp("a.sub.example.", Type.A).getSection(Section.ANSWER).get(0).rdataToString());
    }
  }

  @Test
  void truncatesUdpAt512BytesAndAnswersInFullOverTcp() throws Exception {
    try (Corvus server = Corvus.builder().corefile(".:0 {\n many 40\n}\n").dnsPort(0).start()) {
      Message udp = new DnsClient(server.udpAddress()).udp("big.example.", Type.A);
      assertTrue(udp.getHeader().getFlag(Flags.TC), "TC set");
      assertTrue(udp.toWire().length <= 512);
      Message tcp = new DnsClient(server.tcpAddress()).tcp("big.example.", Type.A);
      assertFalse(tcp.getHeader().getFlag(Flags.TC));
      assertEquals(40, tcp.getSection(Section.ANSWER).size());
    }
  }

  @Test
  void honoursTheClientsEdnsBufferSizeAndEchoesOpt() throws Exception {
    try (Corvus server = Corvus.builder().corefile(".:0 {\n many 100\n}\n").dnsPort(0).start()) {
      Message query = DnsClient.newQuery("big.example.", Type.A);
      query.addRecord(new OPTRecord(4096, 0, 0, org.xbill.DNS.ExtendedFlags.DO), Section.ADDITIONAL);
      Message answer = new DnsClient(server.udpAddress()).udp(query);
      assertFalse(answer.getHeader().getFlag(Flags.TC), "100 A records fit in 4096 bytes");
      assertEquals(100, answer.getSection(Section.ANSWER).size());
      OPTRecord opt = answer.getOPT();
      assertNotNull(opt, "OPT echoed");
      assertTrue((opt.getFlags() & org.xbill.DNS.ExtendedFlags.DO) != 0, "DO mirrored");

      Message small = DnsClient.newQuery("big.example.", Type.A);
      small.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
      Message truncated = new DnsClient(server.udpAddress()).udp(small);
      assertTrue(truncated.getHeader().getFlag(Flags.TC));
      assertTrue(truncated.toWire().length <= 1232);
    }
  }

  @Test
  void answersFormErrForGarbageWithAHeaderAndKeepsServing() throws Exception {
    try (Corvus server = Corvus.builder().corefile(RECORDS).dnsPort(0).start()) {
      DnsClient client = new DnsClient(server.udpAddress());
      byte[] garbage = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x7f, 0x7f};
      byte[] answer = client.udpRaw(garbage);
      Message parsed = new Message(answer);
      assertEquals(0x1234, parsed.getHeader().getID());
      assertEquals(Rcode.FORMERR, parsed.getRcode());
      assertEquals(Rcode.NOERROR, client.udp("a.example.", Type.A).getRcode());
      assertEquals(1.0, server.metricValue("corvus_dns_malformed_requests_total", "udp"));
    }
  }

  @Test
  void readsUdpQueriesUpTo4096BytesAndAnswersLongerOnesFormErr() throws Exception {
    try (Corvus server = Corvus.builder().corefile(RECORDS).dnsPort(0).start()) {
      DnsClient udp = new DnsClient(server.udpAddress());
      assertEquals(Rcode.NOERROR, udp.udp(paddedQuery(4096)).getRcode());

      Message tooLong = paddedQuery(5000);
      Message parsed = new Message(udp.udpRaw(tooLong.toWire()));
      assertEquals(tooLong.getHeader().getID(), parsed.getHeader().getID());
      assertEquals(Rcode.FORMERR, parsed.getRcode());
      assertEquals(1.0, server.metricValue("corvus_dns_malformed_requests_total", "udp"));
      assertEquals(Rcode.NOERROR, new DnsClient(server.tcpAddress()).tcp(tooLong).getRcode());
    }
  }

  /** A query for a.example. A padded (EDNS padding option, RFC 7830) to {@code length} bytes. */
  private static Message paddedQuery(int length) {
    Message query = DnsClient.newQuery("a.example.", Type.A);
    int unpadded = query.toWire().length + 11 + 4;
    query.addRecord(new OPTRecord(1232, 0, 0, 0,
        List.of(new GenericEDNSOption(12, new byte[length - unpadded]))), Section.ADDITIONAL);
    assertEquals(length, query.toWire().length);
    return query;
  }

  @Test
  void compactsTheHeapOnceWhenFirstFoundReady() throws Exception {
    try (Corvus server = Corvus.builder().corefile(RECORDS).dnsPort(0).compactHeapWhenReady(true).start()) {
      long before = garbageCollections();
      assertTrue(server.isReady());
      assertTrue(garbageCollections() > before, "a collection ran before readiness answered");
      assertTrue(server.isReady());
    }
  }

  private static long garbageCollections() {
    return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionCount)
        .sum();
  }

  @Test
  void answersPipelinedTcpQueriesAsTheyComplete() throws Exception {
    try (Corvus server = Corvus.builder().plugin(new TestPlugins.Delay()).corefile(".:0 {\n delay\n}\n")
        .dnsPort(0).start();
        Socket socket = new Socket(server.tcpAddress().getAddress(), server.tcpAddress().getPort())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      // The slow query goes first; the fast one must come back first.
      Message slow = DnsClient.newQuery("400.example.", Type.TXT);
      Message fast = DnsClient.newQuery("1.example.", Type.TXT);
      byte[] slowWire = slow.toWire();
      byte[] fastWire = fast.toWire();
      // Write the two frames split across several writes, one byte of a length prefix alone.
      byte[] both = new byte[slowWire.length + fastWire.length + 4];
      both[0] = (byte) (slowWire.length >> 8);
      both[1] = (byte) slowWire.length;
      System.arraycopy(slowWire, 0, both, 2, slowWire.length);
      int at = 2 + slowWire.length;
      both[at] = (byte) (fastWire.length >> 8);
      both[at + 1] = (byte) fastWire.length;
      System.arraycopy(fastWire, 0, both, at + 2, fastWire.length);
      out.write(both, 0, at + 1);
      out.flush();
      out.write(both, at + 1, both.length - at - 1);
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      Message first = new Message(DnsClient.readFrame(in));
      Message second = new Message(DnsClient.readFrame(in));
      assertEquals(fast.getHeader().getID(), first.getHeader().getID());
      assertEquals(slow.getHeader().getID(), second.getHeader().getID());
      assertEquals("\"1.example.\"", ((TXTRecord) first.getSection(Section.ANSWER).get(0)).rdataToString());
    }
  }

  @Test
  void failingHandlersAnswerServfailOrTheirRcode() throws Exception {
    try (Corvus server = Corvus.builder().corefile("a.:0 {\n fail\n}\nb.:0 {\n fail NOTIMP\n}\n").dnsPort(0).start()) {
      DnsClient client = new DnsClient(server.udpAddress());
      assertEquals(Rcode.SERVFAIL, client.udp("x.a.", Type.A).getRcode());
      assertEquals(Rcode.NOTIMP, client.udp("x.b.", Type.A).getRcode());
    }
  }

  @Test
  void chainWithoutAnAnsweringPluginAnswersServfail() throws Exception {
    try (Corvus server = Corvus.builder().corefile(".:0 {\n bind 127.0.0.1\n}\n").dnsPort(0).start()) {
      assertEquals(Rcode.SERVFAIL, new DnsClient(server.udpAddress()).udp("x.", Type.A).getRcode());
    }
  }

  @Test
  void gracefulStopFinishesInFlightQueries() throws Exception {
    TestPlugins.Delay delay = new TestPlugins.Delay();
    Corvus server = Corvus.builder().plugin(delay).corefile(".:0 {\n delay\n}\n").dnsPort(0).start();
    DnsClient client = new DnsClient(server.tcpAddress());
    var pending = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return client.tcp("300.example.", Type.TXT);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    assertTrue(delay.entered().tryAcquire(5, java.util.concurrent.TimeUnit.SECONDS), "the query reached the chain");
    server.close();
    Message answer = pending.get(5, java.util.concurrent.TimeUnit.SECONDS);
    assertEquals(Rcode.NOERROR, answer.getRcode());
  }

  @Test
  void reloadUnderLoadLosesNoQuery() throws Exception {
    try (Corvus server = Corvus.builder().corefile(RECORDS).dnsPort(0).start()) {
      DnsClient client = new DnsClient(server.udpAddress());
      var running = new java.util.concurrent.atomic.AtomicBoolean(true);
      var failures = new java.util.concurrent.atomic.AtomicInteger();
      var answered = new java.util.concurrent.atomic.AtomicInteger();
      Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
      var arrivals = new java.util.concurrent.LinkedBlockingQueue<String>();
      Thread load = new Thread(() -> {
        while (running.get()) {
          try {
            Message answer = client.udp("a.example.", Type.A);
            String address = answer.getSection(Section.ANSWER).get(0).rdataToString();
            if (seen.add(address)) {
              arrivals.add(address);
            }
            answered.incrementAndGet();
          } catch (Exception e) {
            failures.incrementAndGet();
          }
        }
      });
      load.start();
      for (int i = 0; i < 10; i++) {
        String address = "192.0.2." + (10 + i);
        server.reload(RECORDS.replace("192.0.2.1", address));
        // the load has reached the new configuration before the next reload replaces it
        assertTrue(awaitArrival(arrivals, address), "no answer from the configuration with " + address);
      }
      running.set(false);
      load.join();
      assertEquals(0, failures.get(), "no query lost during reloads");
      assertTrue(answered.get() > 0);
      assertTrue(seen.size() > 1, "queries were answered by several configurations: " + seen);
      assertEquals("192.0.2.19",
          client.udp("a.example.", Type.A).getSection(Section.ANSWER).get(0).rdataToString());
    }
  }

  /** Takes addresses off {@code arrivals} until {@code address} comes, for at most five seconds. */
  private static boolean awaitArrival(java.util.concurrent.BlockingQueue<String> arrivals, String address)
      throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
      if (address.equals(arrivals.poll(left, java.util.concurrent.TimeUnit.NANOSECONDS))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void failedReloadKeepsTheOldConfiguration() throws Exception {
    try (Corvus server = Corvus.builder().corefile(RECORDS).dnsPort(0).start()) {
      var error = org.junit.jupiter.api.Assertions.assertThrows(
          dev.corvus.dns.api.config.ConfigException.class,
          () -> server.reload(".:0 {\n recordz\n}\n"));
      assertTrue(error.getMessage().startsWith("<embedded>:2: "), error.getMessage());
      assertTrue(error.getMessage().contains("did you mean 'records'"), error.getMessage());
      assertEquals(Rcode.NOERROR, new DnsClient(server.udpAddress()).udp("a.example.", Type.A).getRcode());
      assertEquals(1.0, server.metricValue("coredns_reload_failed_total"));
    }
  }

  @Test
  void anEmptyDatagramDoesNotStallTheQueriesQueuedBehindIt() throws Exception {
    try (Corvus server = Corvus.builder().corefile(RECORDS).dnsPort(0).start();
        java.net.DatagramSocket socket = new java.net.DatagramSocket()) {
      socket.setSoTimeout(2000);
      for (int i = 0; i < 50; i++) {
        Message query = DnsClient.newQuery("a.example.", Type.A);
        byte[] wire = query.toWire();
        socket.send(new java.net.DatagramPacket(new byte[0], 0, server.udpAddress()));
        socket.send(new java.net.DatagramPacket(wire, wire.length, server.udpAddress()));
        java.net.DatagramPacket answer = new java.net.DatagramPacket(new byte[512], 512);
        socket.receive(answer);
        assertEquals(query.getHeader().getID(), new Message(java.util.Arrays.copyOf(answer.getData(), answer.getLength())).getHeader().getID());
      }
    }
  }

  @Test
  void randomAndMutatedPacketsNeverStopTheListeners() throws Exception {
    try (Corvus server = Corvus.builder().corefile(RECORDS).dnsPort(0).start()) {
      java.util.Random random = new java.util.Random(42);
      byte[] valid = DnsClient.newQuery("a.example.", Type.A).toWire();
      try (java.net.DatagramSocket socket = new java.net.DatagramSocket()) {
        for (int i = 0; i < 3000; i++) {
          byte[] packet = i % 2 == 0 ? new byte[random.nextInt(600)] : valid.clone();
          if (i % 2 == 0) {
            random.nextBytes(packet);
          } else {
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
              packet[random.nextInt(packet.length)] = (byte) random.nextInt(256);
            }
          }
          socket.send(new java.net.DatagramPacket(packet, packet.length, server.udpAddress()));
        }
      }
      for (int i = 0; i < 300; i++) {
        try (Socket socket = new Socket(server.tcpAddress().getAddress(), server.tcpAddress().getPort())) {
          byte[] junk = new byte[random.nextInt(300)];
          random.nextBytes(junk);
          socket.getOutputStream().write(junk);
        }
      }
      // Still serving is the point, not how soon: on a loaded machine the listeners may still be
      // working through the 300 connections when the checks arrive.
      DnsClient client = new DnsClient(server.udpAddress(), STILL_SERVING);
      assertEquals(Rcode.NOERROR, client.udp("a.example.", Type.A).getRcode());
      assertEquals(Rcode.NOERROR, new DnsClient(server.tcpAddress(), STILL_SERVING).tcp("a.example.", Type.A).getRcode());
    }
  }

  private static final Duration STILL_SERVING = Duration.ofSeconds(15);
}
