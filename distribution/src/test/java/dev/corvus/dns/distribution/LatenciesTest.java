package dev.corvus.dns.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LatenciesTest {

  @Test
  void percentilesAreTheQueryAtThatRankToTheStep() {
    Latencies latencies = new Latencies();
    for (int micros = 1; micros <= 1000; micros++) {
      latencies.add(micros * 10L); // 10 µs .. 10 ms
    }
    assertEquals(1000, latencies.count());
    assertEquals(5.02, latencies.percentileMillis(0.5), 1e-9); // rank 501: 5.01 ms, its step ends at 5.02
    assertEquals(9.92, latencies.percentileMillis(0.99), 1e-9); // rank 991
    assertEquals(10.0, latencies.percentileMillis(0.999), 1e-9); // rank 1000, capped at the maximum
    assertEquals(10.0, latencies.maxMillis(), 1e-9);
  }

  @Test
  void slowQueriesAreMeasuredInCoarserSteps() {
    Latencies latencies = new Latencies();
    for (int i = 0; i < 997; i++) {
      latencies.add(500);
    }
    latencies.add(15_050); // 100 µs steps from 10 ms
    latencies.add(120_300); // 1 ms steps from 100 ms
    latencies.add(150_000);
    assertEquals(0.51, latencies.percentileMillis(0.99), 1e-9);
    assertEquals(15.1, latencies.percentileMillis(0.997), 1e-9); // rank 998
    assertEquals(121.0, latencies.percentileMillis(0.998), 1e-9); // rank 999
    assertEquals(150.0, latencies.percentileMillis(0.999), 1e-9);
    assertEquals(150.0, latencies.maxMillis(), 1e-9);
  }

  @Test
  void aQueryBeyondTheHistogramReadsAsTheMaximum() {
    Latencies latencies = new Latencies();
    latencies.add(1_000);
    latencies.add(12_500_000);
    assertEquals(12_500.0, latencies.percentileMillis(0.999), 1e-9);
  }

  @Test
  void noQueriesNoLatency() {
    assertEquals(0, new Latencies().percentileMillis(0.999));
  }
}
