package dev.corvus.dns.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code corvus node-local setup|teardown|run} in a network namespace of its own ({@code ip netns};
 * the test runs as root, as CI does, with iproute2, iptables and dig installed by .ci/run): the
 * interface holding 169.254.20.10 and node-cache's NOTRACK/ACCEPT rules appear, set-up twice adds
 * nothing twice, {@code dig @169.254.20.10} inside the namespace is answered by Corvus started
 * there, and teardown (explicit, or {@code run}'s when the server gets SIGTERM) removes them. No
 * traffic leaves the namespace.
 */
class NodeLocalIT {

  private static final String IP = "169.254.20.10";
  private static final String COMMENT = "corvus node-local";

  private final String namespace = "corvus-nl-" + UUID.randomUUID().toString().substring(0, 8);
  private Path workDir;
  private boolean namespaceMade;

  @BeforeEach
  void createNamespace() throws Exception {
    workDir = Files.createTempDirectory("node-local-it");
    // What node-local needs is what a node gives it: root with CAP_NET_ADMIN. A machine that
    // cannot make a network namespace at all cannot run this test; it says so instead of failing.
    Process probe = new ProcessBuilder("ip", "netns", "add", namespace).redirectErrorStream(true).start();
    String refusal = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(probe.waitFor(60, TimeUnit.SECONDS));
    Assumptions.assumeTrue(probe.exitValue() == 0 || !refusal.contains("Operation not permitted"),
        "this machine does not allow network namespaces: " + refusal.strip());
    assertEquals(0, probe.exitValue(), () -> "ip netns add " + namespace + ":\n" + refusal);
    namespaceMade = true;
    run("ip", "-n", namespace, "link", "set", "lo", "up");
  }

  @AfterEach
  void deleteNamespace() throws Exception {
    if (namespaceMade) {
      run("ip", "netns", "del", namespace);
    }
    try (Stream<Path> files = Files.walk(workDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  @Test
  void setupAddsTheAddressAndRulesOnceAndTeardownRemovesThem() throws Exception {
    String setup = inNamespace(corvus("node-local", "setup", "--ip", IP));
    assertTrue(setup.contains("nodelocaldns holds " + IP), setup);
    inNamespace(corvus("node-local", "setup", "--ip", IP)); // again: nothing twice

    assertTrue(inNamespace("ip", "-br", "addr", "show", "nodelocaldns").contains(IP + "/32"));
    String raw = inNamespace("iptables", "-w", "-t", "raw", "-S");
    String filter = inNamespace("iptables", "-w", "-S");
    for (String proto : List.of("udp", "tcp")) {
      assertEquals(1, count(raw, "-A PREROUTING -d " + IP + "/32 -p " + proto + " -m " + proto + " --dport 53 -m comment --comment \""
          + COMMENT + "\" -j NOTRACK"), raw);
      assertEquals(1, count(raw, "-A OUTPUT -s " + IP + "/32 -p " + proto + " -m " + proto + " --sport 53 -m comment --comment \""
          + COMMENT + "\" -j NOTRACK"), raw);
      assertEquals(1, count(raw, "-A OUTPUT -d " + IP + "/32 -p " + proto + " -m " + proto + " --dport 53 -m comment --comment \""
          + COMMENT + "\" -j NOTRACK"), raw);
      assertEquals(1, count(filter, "-A INPUT -d " + IP + "/32 -p " + proto + " -m " + proto + " --dport 53 -m comment --comment \""
          + COMMENT + "\" -j ACCEPT"), filter);
      assertEquals(1, count(filter, "-A OUTPUT -s " + IP + "/32 -p " + proto + " -m " + proto + " --sport 53 -m comment --comment \""
          + COMMENT + "\" -j ACCEPT"), filter);
    }
    assertEquals(1, count(raw, "-A OUTPUT -d " + IP + "/32 -p tcp -m tcp --dport 8080"), raw);

    String teardown = inNamespace(corvus("node-local", "teardown", "--ip", IP));
    assertTrue(teardown.contains("removed"), teardown);
    assertFalse(inNamespace("ip", "-br", "link").contains("nodelocaldns"));
    assertFalse(inNamespace("iptables", "-w", "-t", "raw", "-S").contains(IP));
    assertFalse(inNamespace("iptables", "-w", "-S").contains(IP));
  }

  @Test
  void runServesOnTheLinkLocalAddressAndTearsDownWhenStopped() throws Exception {
    Path zone = Files.writeString(workDir.resolve("hosts"), "10.0.0.7 web.node.test\n");
    Path corefile = Files.writeString(workDir.resolve("Corefile"), """
        .:53 {
            bind %1$s
            hosts %2$s
            health %1$s:8080
        }
        """.formatted(IP, zone));
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    command.addAll(corvus("node-local", "run", "--ip", IP, "--", "-conf", corefile.toString()));
    Path log = workDir.resolve("corvus.log");
    Process server = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      String answer = "";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!answer.equals("10.0.0.7") && System.nanoTime() < deadline) {
        assertTrue(server.isAlive(), () -> "corvus node-local run exited:\n" + read(log));
        // dig waits up to 1 s for an answer: the loop's pace while the server starts
        answer = dig("+time=1", "+tries=1", "@" + IP, "web.node.test", "A");
      }
      assertEquals("10.0.0.7", answer, () -> read(log));
      assertTrue(inNamespace("iptables", "-w", "-t", "raw", "-S").contains(IP));
      String tcp = inNamespace("dig", "+short", "+tcp", "@" + IP, "web.node.test", "A").strip();
      assertEquals("10.0.0.7", tcp);
    } finally {
      server.destroy(); // SIGTERM to ip netns exec, which execs the launcher
      assertTrue(server.waitFor(60, TimeUnit.SECONDS), () -> "still running:\n" + read(log));
    }
    assertTrue(read(log).contains("nodelocaldns and its rules removed"), read(log));
    assertFalse(inNamespace("ip", "-br", "link").contains("nodelocaldns"));
    assertFalse(inNamespace("iptables", "-w", "-t", "raw", "-S").contains(IP));
  }

  /** dig +short in the namespace; its output, or "" while nothing answers (dig exits 9 then). */
  private String dig(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace, "dig", "+short"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), String.join(" ", command));
    return process.exitValue() == 0 ? output.strip() : "";
  }

  private static List<String> corvus(String... args) {
    List<String> command = new ArrayList<>(List.of(CorvusProcess.home().resolve("bin/corvus").toString()));
    command.addAll(List.of(args));
    return command;
  }

  private String inNamespace(List<String> command) throws Exception {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    full.addAll(command);
    return run(full.toArray(new String[0]));
  }

  private String inNamespace(String... command) throws Exception {
    return inNamespace(List.of(command));
  }

  private static String run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
    assertEquals(0, process.exitValue(), () -> String.join(" ", command) + ":\n" + output);
    return output;
  }

  private static int count(String text, String line) {
    return (int) text.lines().filter(l -> l.strip().equals(line) || l.startsWith(line)).count();
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
