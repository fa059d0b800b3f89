package dev.corvus.dns.plugin.peers;

import dev.corvus.dns.testkit.peers.Peers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** BIND's DNSSEC tools ({@code dnssec-keygen}, {@code dnssec-signzone}) and {@code delv}. */
public final class Bind {

  private Bind() {}

  /** Makes a key for {@code zone} in {@code dir} and returns its base name ({@code Kzone.+alg+id}). */
  public static String keygen(Path dir, String zone, String algorithm, boolean ksk) throws Exception {
    String keygen = Peers.require("dnssec-keygen", "bind9-utils");
    List<String> command = new ArrayList<>(List.of(keygen, "-q", "-a", algorithm));
    if (algorithm.startsWith("RSA")) {
      command.addAll(List.of("-b", "2048"));
    }
    if (ksk) {
      command.addAll(List.of("-f", "KSK"));
    }
    command.add(zone);
    Peers.Output out = Peers.run(dir, command.toArray(String[]::new));
    if (out.exitCode() != 0) {
      throw new IOException("dnssec-keygen failed: " + out.text());
    }
    return out.text().trim();
  }

  /** Signs {@code zoneFile} with the keys in its directory (NSEC); returns the signed file. */
  public static Path signzone(Path zoneFile, String origin) throws Exception {
    String signzone = Peers.require("dnssec-signzone", "bind9-utils");
    Peers.Output out = Peers.run(zoneFile.getParent(), signzone, "-q", "-o", origin, "-S", "-K", ".",
        zoneFile.getFileName().toString());
    if (out.exitCode() != 0) {
      throw new IOException("dnssec-signzone failed: " + out.text());
    }
    return zoneFile.resolveSibling(zoneFile.getFileName() + ".signed");
  }

  /** A delv trust-anchor file holding the DNSKEY in {@code keyFile} as a static key. */
  public static Path anchor(Path keyFile, Path anchorFile) throws IOException {
    String key = Files.readAllLines(keyFile).stream().filter(l -> !l.startsWith(";")).findFirst().orElseThrow();
    String[] f = key.trim().split("\\s+");
    // owner [ttl] IN DNSKEY flags protocol algorithm key...
    int at = List.of(f).indexOf("DNSKEY");
    StringBuilder material = new StringBuilder();
    for (int i = at + 4; i < f.length; i++) {
      material.append(f[i]);
    }
    Files.writeString(anchorFile, "trust-anchors {\n  " + f[0] + " static-key " + f[at + 1] + " " + f[at + 2] + " "
        + f[at + 3] + " \"" + material + "\";\n};\n");
    return anchorFile;
  }

  /** {@code delv} against a server on loopback with {@code anchor} for {@code root}. */
  public static Peers.Output delv(int port, Path anchor, String root, String name, String type) throws Exception {
    String delv = Peers.require("delv", "bind9-dnsutils");
    return Peers.run(delv, "@127.0.0.1", "-p", String.valueOf(port), "-a", anchor.toString(), "+root=" + root, name,
        type);
  }
}
