package dev.corvus.dns.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;

class ResolvConfTest {

  @Test
  void readsNameserversAndTheLastSearchLine(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("resolv.conf"), """
        # generated
        nameserver 10.96.0.10
        nameserver fe80::1%eth0   ; link-local, zone dropped
        nameserver 10.96.0.10
        domain example.org
        search default.svc.cluster.local svc.cluster.local Cluster.Local # comment
        options ndots:5
        ;nameserver 192.0.2.9
        """);
    ResolvConf conf = ResolvConf.read(file);
    assertEquals(List.of(InetAddress.getByName("10.96.0.10"), InetAddress.getByName("fe80::1")), conf.nameservers());
    assertEquals(List.of(Name.fromConstantString("default.svc.cluster.local."),
        Name.fromConstantString("svc.cluster.local."), Name.fromConstantString("cluster.local.")), conf.search());
  }

  @Test
  void aCommentIsNeverASearchDomain() {
    assertEquals(List.of(Name.fromConstantString("a.example.")), ResolvConf.parse("search a.example #b.example\n").search());
    assertEquals(List.of(), ResolvConf.parse("search\n").search());
  }

  @Test
  void aNameserverMustBeAnAddress() {
    assertThrows(IllegalArgumentException.class, () -> ResolvConf.parse("nameserver dns.example\n"));
  }
}
