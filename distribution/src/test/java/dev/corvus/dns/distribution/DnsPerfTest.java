package dev.corvus.dns.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DnsPerfTest {

  @Test
  void aQueryLineGivesItsLatencyAndALostQueryNone() {
    assertEquals(123, DnsPerf.latencyMicros("> NOERROR svc-7.ns-3.svc.cluster.local. A 0.000123"));
    assertEquals(1_500_000, DnsPerf.latencyMicros("> SERVFAIL example.org. AAAA 1.500000"));
    assertEquals(-1, DnsPerf.latencyMicros("> T svc-7.ns-3.svc.cluster.local. A"));
  }
}
