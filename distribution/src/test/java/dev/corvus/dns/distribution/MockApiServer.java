package dev.corvus.dns.distribution;

import java.nio.file.Path;

/**
 * The demo cluster's mock API server ({@link DemoCluster}) as a process of its own, for runs
 * outside the test suite (distribution/oci/run.sh serves the image against it): writes a
 * kubeconfig reaching it into the directory given as the argument, prints its path, and serves
 * until standard input closes.
 */
final class MockApiServer {

  private MockApiServer() {}

  public static void main(String[] args) throws Exception {
    try (DemoCluster cluster = new DemoCluster()) {
      System.out.println("kubeconfig " + cluster.writeKubeconfig(Path.of(args[0])));
      System.out.flush();
      while (System.in.read() >= 0) {
        // serve until stdin closes
      }
    }
  }
}
