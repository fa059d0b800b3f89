package dev.corvus.dns.plugin.dnssec;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * A DNSSEC key in BIND's files: {@code K<zone>+<alg>+<id>.key} (the DNSKEY record) and {@code
 * .private} ({@code Private-key-format: v1.x} with the key material), as {@code dnssec-keygen} and
 * {@code coredns-keygen} write them. RSASHA256, RSASHA512, ECDSAP256SHA256, ECDSAP384SHA384 and
 * ED25519 are read; shared by {@code sign} and {@code dnssec}.
 *
 * @param dnskey the public key record
 * @param privateKey the matching private key
 * @param base the path without {@code .key}/{@code .private}
 */
public record KeyPair(DNSKEYRecord dnskey, PrivateKey privateKey, Path base) {

  /** A key file that cannot be used; the message names the file (and line where there is one). */
  public static final class KeyFileException extends Exception {
    private static final long serialVersionUID = 1L;

    KeyFileException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The key's tag (RFC 4034 Appendix B), as in its file name. */
  public int tag() {
    return dnskey.getFootprint();
  }

  /** The zone the key belongs to. */
  public Name zone() {
    return dnskey.getName();
  }

  /** Whether the key has the SEP flag (a KSK or CSK, flags 257). */
  public boolean isKeySigningKey() {
    return (dnskey.getFlags() & DNSKEYRecord.Flags.SEP_KEY) != 0;
  }

  /**
   * Reads the key whose files are {@code base}{@code .key} and {@code base}{@code .private};
   * {@code base} may also name either file.
   */
  public static KeyPair read(Path base) throws KeyFileException {
    String name = base.getFileName().toString();
    if (name.endsWith(".key") || name.endsWith(".private")) {
      base = base.resolveSibling(name.substring(0, name.lastIndexOf('.')));
    }
    Path keyFile = base.resolveSibling(base.getFileName() + ".key");
    Path privateFile = base.resolveSibling(base.getFileName() + ".private");
    DNSKEYRecord dnskey = publicKey(keyFile);
    Map<String, String> fields = privateFields(privateFile);
    String algorithm = fields.get("Algorithm");
    if (algorithm == null) {
      throw new KeyFileException(privateFile + ": no Algorithm line", null);
    }
    int alg = Integer.parseInt(algorithm.split("\\s+")[0]);
    if (alg != dnskey.getAlgorithm()) {
      throw new KeyFileException(privateFile + ": algorithm " + alg + " does not match the DNSKEY's "
          + dnskey.getAlgorithm() + " in " + keyFile, null);
    }
    try {
      return new KeyPair(dnskey, privateKey(dnskey, fields, privateFile), base);
    } catch (GeneralSecurityException | IllegalArgumentException | DNSSEC.DNSSECException e) {
      throw new KeyFileException(privateFile + ": not a usable " + DNSSEC.Algorithm.string(alg) + " key: " + e.getMessage(), e);
    }
  }

  private static DNSKEYRecord publicKey(Path keyFile) throws KeyFileException {
    // BIND writes the DNSKEY without a TTL
    try (java.io.InputStream in = Files.newInputStream(keyFile); Master master = new Master(in, Name.root, 3600)) {
      for (Record r = master.nextRecord(); r != null; r = master.nextRecord()) {
        if (r instanceof DNSKEYRecord dnskey) {
          return dnskey;
        }
      }
      throw new KeyFileException(keyFile + ": no DNSKEY record", null);
    } catch (IOException | RuntimeException e) {
      throw new KeyFileException(keyFile + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, String> privateFields(Path privateFile) throws KeyFileException {
    List<String> lines;
    try {
      lines = Files.readAllLines(privateFile);
    } catch (IOException e) {
      throw new KeyFileException(privateFile + ": cannot read: " + e, e);
    }
    Map<String, String> fields = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith(";")) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon < 0) {
        throw new KeyFileException(privateFile + ":" + (i + 1) + ": expected 'Field: value'", null);
      }
      fields.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
    }
    if (!fields.getOrDefault("Private-key-format", "").startsWith("v1.")) {
      throw new KeyFileException(privateFile + ": not a BIND private key (Private-key-format: v1.x)", null);
    }
    return fields;
  }

  private static PrivateKey privateKey(DNSKEYRecord dnskey, Map<String, String> fields, Path file)
      throws GeneralSecurityException, KeyFileException, DNSSEC.DNSSECException {
    switch (dnskey.getAlgorithm()) {
      case DNSSEC.Algorithm.RSASHA256, DNSSEC.Algorithm.RSASHA512, DNSSEC.Algorithm.RSASHA1 -> {
        RSAPrivateCrtKeySpec spec = new RSAPrivateCrtKeySpec(number(fields, "Modulus", file),
            number(fields, "PublicExponent", file), number(fields, "PrivateExponent", file),
            number(fields, "Prime1", file), number(fields, "Prime2", file), number(fields, "Exponent1", file),
            number(fields, "Exponent2", file), number(fields, "Coefficient", file));
        return KeyFactory.getInstance("RSA").generatePrivate(spec);
      }
      case DNSSEC.Algorithm.ECDSAP256SHA256, DNSSEC.Algorithm.ECDSAP384SHA384 -> {
        ECPublicKey pub = (ECPublicKey) dnskey.getPublicKey();
        return KeyFactory.getInstance("EC").generatePrivate(
            new ECPrivateKeySpec(number(fields, "PrivateKey", file), pub.getParams()));
      }
      case DNSSEC.Algorithm.ED25519 -> {
        byte[] seed = bytes(fields, "PrivateKey", file);
        // RFC 8032 private keys are little-endian; EdECPrivateKeySpec takes the seed bytes as written
        return KeyFactory.getInstance("Ed25519").generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
      }
      default -> throw new KeyFileException(file + ": algorithm " + DNSSEC.Algorithm.string(dnskey.getAlgorithm())
          + " is not supported (RSASHA256, RSASHA512, ECDSAP256SHA256, ECDSAP384SHA384, ED25519 are)", null);
    }
  }

  private static BigInteger number(Map<String, String> fields, String field, Path file) throws KeyFileException {
    return new BigInteger(1, bytes(fields, field, file));
  }

  private static byte[] bytes(Map<String, String> fields, String field, Path file) throws KeyFileException {
    String value = fields.get(field);
    if (value == null) {
      throw new KeyFileException(file + ": no " + field + " line", null);
    }
    try {
      return Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      throw new KeyFileException(file + ": " + field + " is not base64", e);
    }
  }
}
