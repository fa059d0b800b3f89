package dev.corvus.dns.plugin.etcd;

import static dev.corvus.dns.testkit.DnsAnswers.assertRcode;
import static dev.corvus.dns.testkit.DnsAnswers.rdata;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.testkit.DnsAnswers;
import dev.corvus.dns.testkit.peers.Etcd;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** {@code credentials} and {@code tls} against a real etcd with authentication and client certificates. */
class EtcdSecurityTest {

  private static Corvus start(String options) throws Exception {
    return Corvus.builder()
        .corefile(".:0 {\n  etcd skydns.test {\n" + options + "  }\n}\n")
        .dnsPort(0)
        .start();
  }

  @Test
  void credentialsAuthenticateAndWrongOnesAreNotServed() throws Exception {
    try (Etcd etcd = new Etcd()) {
      etcd.put("/skydns/test/skydns/www", "{\"host\":\"10.0.3.1\"}");
      etcd.etcdctl("role", "add", "root");
      etcd.etcdctl("user", "add", "root:s3cret");
      etcd.etcdctl("user", "grant-role", "root", "root");
      etcd.etcdctl("auth", "enable");
      etcd.authenticateWith("--user=root:s3cret");
      try (Corvus server = start("    endpoint " + etcd.url() + "\n    credentials root s3cret\n")) {
        assertTrue(server.isReady(), () -> "not ready: " + server.notReady());
        assertEquals(List.of("10.0.3.1"), rdata(new DnsAnswers(server).udp("www.skydns.test.", Type.A)));
      }
      try (Corvus server = start("    endpoint " + etcd.url() + "\n    credentials root wrong\n")) {
        assertFalse(server.isReady(), "a rejected login never loads");
        assertEquals(List.of("etcd"), server.notReady());
        assertRcode(Rcode.SERVFAIL, new DnsAnswers(server).udp("www.skydns.test.", Type.A));
      }
    }
  }

  @Test
  void clientCertificatesAndAPrivateCa(@TempDir Path dir) throws Exception {
    openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=corvus-test-ca");
    issue(dir, "server", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    issue(dir, "client", "extendedKeyUsage=clientAuth\n");
    List<String> serverTls = List.of("--cert-file", dir.resolve("server.pem").toString(),
        "--key-file", dir.resolve("server.key").toString(), "--trusted-ca-file", dir.resolve("ca.pem").toString(),
        "--client-cert-auth");
    List<String> clientTls = List.of("--cacert=" + dir.resolve("ca.pem"), "--cert=" + dir.resolve("client.pem"),
        "--key=" + dir.resolve("client.key"));
    try (Etcd etcd = new Etcd("https", serverTls, clientTls)) {
      etcd.put("/skydns/test/skydns/www", "{\"host\":\"10.0.4.1\"}");
      String tls = "    tls " + dir.resolve("client.pem") + " " + dir.resolve("client.key") + " " + dir.resolve("ca.pem") + "\n";
      try (Corvus server = start("    endpoint " + etcd.url() + "\n" + tls)) {
        assertTrue(server.isReady(), () -> "not ready: " + server.notReady());
        DnsAnswers dns = new DnsAnswers(server);
        assertEquals(List.of("10.0.4.1"), rdata(dns.tcp("www.skydns.test.", Type.A)));
        etcd.put("/skydns/test/skydns/www", "{\"host\":\"10.0.4.2\"}");
        dns.awaitAnswer("www.skydns.test.", Type.A, 1000, m -> rdata(m).equals(List.of("10.0.4.2")));
      }
    }
  }

  private static void issue(Path dir, String name, String extensions) throws Exception {
    Files.writeString(dir.resolve(name + ".ext"), extensions);
    openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
        "-subj", "/CN=" + name);
    openssl(dir, "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext");
  }

  private static void openssl(Path dir, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("openssl " + String.join(" ", args) + ": " + out);
    }
  }
}
