package dev.corvus.dns.plugin.kubernetes;

import dev.corvus.dns.server.Corvus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The server side of {@link ScaleHarnessTest}, run in its own JVM so that its memory is measured
 * without the mock API server: starts Corvus from a Corefile, reports time to ready and the heap
 * live set after a full GC, serves until its standard input closes.
 */
public final class ScaleServerMain {

  private ScaleServerMain() {}

  public static void main(String[] args) throws Exception {
    String corefile = Files.readString(Path.of(args[0]));
    long startNanos = System.nanoTime();
    try (Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      while (!server.isReady()) {
        java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
      }
      long readyMillis = (System.nanoTime() - startNanos) / 1_000_000;
      System.gc();
      System.gc();
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      System.out.println(
          "READY port=" + server.udpAddress().getPort() + " readyMillis=" + readyMillis + " heapBytes=" + heap);
      System.out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        if (line.equals("gc")) {
          System.gc();
          System.gc();
          System.out.println("HEAP " + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
          System.out.flush();
        }
      }
    }
  }
}
