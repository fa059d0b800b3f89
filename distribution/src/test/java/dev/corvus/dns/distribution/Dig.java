package dev.corvus.dns.distribution;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.testkit.Poll;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code dig} against a server on 127.0.0.1, as the distribution's tests ask the built server. */
final class Dig {

  private Dig() {}

  /**
   * dig's output for one query (one try, 2 s), without its warnings.
   *
   * @param flags more of dig's options ({@code +short}, {@code +tcp}); empty ones are skipped
   */
  static String query(int port, String name, String type, String... flags) throws Exception {
    List<String> command = new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", Integer.toString(port), name, type,
        "+time=2", "+tries=1"));
    for (String flag : flags) {
      if (!flag.isEmpty()) {
        command.add(flag);
      }
    }
    Process dig = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(dig.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    dig.waitFor(10, TimeUnit.SECONDS);
    return out.lines().filter(l -> !l.startsWith(";; WARNING")).reduce((a, b) -> a + "\n" + b).orElse("").trim();
  }

  /** Asks until the output contains {@code expected} (30 s at most, else the test fails); returns it. */
  static String await(int port, String name, String type, String flag, String expected) throws Exception {
    String[] last = {""};
    boolean seen = Poll.until(Duration.ofSeconds(30), () -> {
      try {
        last[0] = query(port, name, type, flag);
      } catch (Exception e) {
        last[0] = e.toString();
      }
      return last[0].contains(expected);
    });
    assertTrue(seen, () -> "dig " + name + " " + type + " never gave " + expected + "; last:\n" + last[0]);
    return last[0];
  }
}
