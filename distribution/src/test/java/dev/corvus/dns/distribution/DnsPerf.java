package dev.corvus.dns.distribution;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One dnsperf run, with every query's latency (its {@code -v} output) reduced as it streams in:
 * over the whole run and per minute of it, so that a pause shows in the minute it happened.
 *
 * @param minutes the latencies of each minute of the run, in order (by when dnsperf reported them)
 * @param statistics dnsperf's output without the per-query lines
 */
record DnsPerf(double qps, long completed, String lost, String responseCodes, Latencies latencies,
    List<Latencies> minutes, String statistics) {

  private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

  /**
   * Runs {@code command} (dnsperf and its arguments, {@code -v} among them, behind any CPU
   * pinning) and fails when it does not end within {@code timeout} or ends with an error.
   */
  static DnsPerf run(List<String> command, Duration timeout) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<Void> deadline = CompletableFuture.runAsync(process::destroyForcibly,
        CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS));
    Latencies all = new Latencies();
    List<Latencies> minutes = new ArrayList<>();
    StringBuilder statistics = new StringBuilder();
    long start = System.nanoTime();
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII), 1 << 16)) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith("> ")) {
          long micros = latencyMicros(line);
          if (micros < 0) {
            continue; // a lost query ("> T name type"): counted by dnsperf itself
          }
          all.add(micros);
          int minute = (int) ((System.nanoTime() - start) / MINUTE_NANOS);
          while (minutes.size() <= minute) {
            minutes.add(new Latencies());
          }
          minutes.get(minute).add(micros);
        } else {
          statistics.append(line).append('\n');
        }
      }
    }
    boolean inTime = deadline.cancel(false);
    int status = process.waitFor();
    String output = statistics.toString();
    if (!inTime || status != 0) {
      throw new AssertionError(String.join(" ", command)
          + (inTime ? " failed (" + status + ")" : " did not finish within " + timeout) + ":\n" + output);
    }
    return new DnsPerf(Double.parseDouble(field(output, "Queries per second:")),
        Long.parseLong(field(output, "Queries completed:").split("\\s+")[0]), field(output, "Queries lost:"),
        field(output, "Response codes:"), all, List.copyOf(minutes), output);
  }

  /** "> NOERROR name A 0.000123": the last field is the latency in seconds; -1 for a lost query. */
  static long latencyMicros(String line) {
    String last = line.substring(line.lastIndexOf(' ') + 1);
    if (last.isEmpty() || !Character.isDigit(last.charAt(0))) {
      return -1;
    }
    return Math.round(Double.parseDouble(last) * 1e6);
  }

  private static String field(String output, String label) {
    return output.lines().map(String::strip).filter(line -> line.startsWith(label))
        .map(line -> line.substring(label.length()).strip()).findFirst()
        .orElseThrow(() -> new AssertionError("no '" + label + "' in dnsperf output:\n" + output));
  }

  String summary() {
    return String.format("%.0f QPS; completed %d; lost %s; response codes %s; latency %s",
        qps, completed, lost, responseCodes, latencies.summary());
  }

  /** Each minute's p99.9 and maximum, and the minute with the highest p99.9. */
  String perMinute() {
    StringBuilder text = new StringBuilder("p99.9 / max per minute:");
    int worst = 0;
    for (int i = 0; i < minutes.size(); i++) {
      Latencies minute = minutes.get(i);
      text.append(String.format(" %.1f/%.0f", minute.percentileMillis(0.999), minute.maxMillis()));
      if (minute.percentileMillis(0.999) > minutes.get(worst).percentileMillis(0.999)) {
        worst = i;
      }
    }
    if (!minutes.isEmpty()) {
      text.append(String.format(" ms; the highest p99.9, minute %d: %s", worst + 1, minutes.get(worst).summary()));
    }
    return text.toString();
  }
}
