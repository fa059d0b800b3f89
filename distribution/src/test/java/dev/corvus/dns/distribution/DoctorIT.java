package dev.corvus.dns.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/corvus doctor} on the assembled distribution: what it finds and its exit code. */
class DoctorIT {

  @Test
  void findsAForwardingLoopAndAnUnreachableUpstreamAndExitsNonZero(@TempDir Path dir) throws Exception {
    try (UpstreamStub upstream = new UpstreamStub()) {
      Path resolvConf = Files.writeString(dir.resolve("resolv.conf"), "nameserver 127.0.0.53\noptions edns0\n");
      int dead = CorvusProcess.freePort();
      Path corefile = Files.writeString(dir.resolve("Corefile"), """
          .:1053 {
              forward . %s
          }
          example.org:1053 {
              forward . 127.0.0.1:%d %s
          }
          """.formatted(resolvConf, dead, upstream.hostAndPort()));
      CorvusProcess.Result result = CorvusProcess.run(dir, "doctor", "-conf", corefile.toString(), "-timeout", "500ms");
      String out = result.output();
      assertEquals(1, result.status(), out);
      assertTrue(out.lines().anyMatch(l -> l.startsWith("OK") && l.contains(corefile.toString()) && l.contains("valid")), out);
      assertTrue(out.lines().anyMatch(l -> l.startsWith("PROBLEM") && l.contains("Corefile:2 forward")
          && l.contains("127.0.0.53") && l.contains("loop")), out);
      assertTrue(out.lines().anyMatch(l -> l.startsWith("PROBLEM") && l.contains("Corefile:5 forward")
          && l.contains("127.0.0.1:" + dead)), out);
      assertTrue(out.lines().anyMatch(l -> l.startsWith("OK") && l.contains(upstream.hostAndPort())), out);
      assertTrue(out.contains("problems"), out);
    }
  }

  @Test
  void aHealthyConfigurationPassesWithExitZero(@TempDir Path dir) throws Exception {
    try (UpstreamStub upstream = new UpstreamStub()) {
      Path corefile = Files.writeString(dir.resolve("Corefile"), """
          .:1053 {
              forward . %s
              cache
          }
          """.formatted(upstream.hostAndPort()));
      CorvusProcess.Result result = CorvusProcess.run(dir, "doctor", "-conf", corefile.toString(), "-timeout", "1s");
      assertEquals(0, result.status(), result.output());
      assertTrue(result.output().contains("no problems found"), result.output());
    }
  }

  @Test
  void aBrokenCorefileIsAProblemWithFileAndLine(@TempDir Path dir) throws Exception {
    Path corefile = Files.writeString(dir.resolve("Corefile"), ".:1053 {\n    forwardd . 127.0.0.1\n}\n");
    CorvusProcess.Result result = CorvusProcess.run(dir, "doctor", "-conf", corefile.toString());
    assertEquals(1, result.status(), result.output());
    assertTrue(result.output().contains(corefile + ":2:"), result.output());
  }
}
