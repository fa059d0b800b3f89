package dev.corvus.dns.server.corefile;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.Location;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Reads a Corefile as CoreDNS does: environment substitution, Caddy's grammar (comments, quotes,
 * blocks, {@code import} of files and snippets), then the keys of every server block expanded
 * into {@link ServerKey}s and checked for zones defined twice on one port (blocks with a {@code
 * view} may share them).
 *
 * <p>A Corefile with no server block (empty, or only comments and snippets) parses into a {@link
 * Corefile} without blocks, as Caddy's parser returns; what to serve then is the server's call.
 */
public final class CorefileParser {

  /** The directive whose blocks may share zones and ports ({@code dnsserver.Viewer} in CoreDNS). */
  private static final String VIEW = "view";

  private CorefileParser() {}

  /**
   * Parses a Corefile file; imports resolve against its directory.
   *
   * @param file the Corefile; errors name it as given
   * @param env the environment for {@code {$NAME}} and {@code {%NAME%}}
   * @param defaultDnsPort the port of {@code dns://} keys without one ({@code -dns.port})
   * @throws ConfigException when the Corefile is malformed, with the file and line at fault
   * @throws IOException when the file itself cannot be read
   */
  public static Corefile parse(Path file, Map<String, String> env, int defaultDnsPort)
      throws ConfigException, IOException {
    byte[] bytes = Files.readAllBytes(file);
    Path absolute = file.toAbsolutePath().normalize();
    String text = new String(bytes, StandardCharsets.UTF_8);
    return parse(text, bytes, file.toString(), absolute.getParent(), absolute, env, defaultDnsPort);
  }

  /**
   * Parses Corefile text.
   *
   * @param text the Corefile
   * @param fileLabel how errors name it, e.g. {@code <embedded>}
   * @param baseDirectory the directory relative imports resolve against
   * @param env the environment for {@code {$NAME}} and {@code {%NAME%}}
   * @param defaultDnsPort the port of {@code dns://} keys without one ({@code -dns.port})
   * @throws ConfigException when the Corefile is malformed, with the file and line at fault
   */
  public static Corefile parse(
      String text, String fileLabel, Path baseDirectory, Map<String, String> env, int defaultDnsPort)
      throws ConfigException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    Path base = baseDirectory.toAbsolutePath().normalize();
    return parse(text, bytes, fileLabel, base, null, env, defaultDnsPort);
  }

  private static Corefile parse(
      String text,
      byte[] bytes,
      String fileLabel,
      Path baseDirectory,
      Path mainFile,
      Map<String, String> env,
      int defaultDnsPort)
      throws ConfigException {
    if (defaultDnsPort < 0 || defaultDnsPort > 65535) {
      throw new IllegalArgumentException("DNS port out of range: " + defaultDnsPort);
    }
    String frame = mainFile == null ? fileLabel : mainFile.toString();
    List<LexToken> tokens =
        Lexer.tokenize(EnvironmentSubstitution.apply(text, env), fileLabel, baseDirectory, List.of(frame));
    BlockParser parser = new BlockParser(tokens, env);
    List<BlockParser.RawBlock> raw = parser.parseAll();

    Map<String, Location> claimed = new HashMap<>();
    List<ServerBlock> blocks = new ArrayList<>();
    for (BlockParser.RawBlock block : raw) {
      // CoreDNS: a block with a view may share its zones and port with other blocks (they are
      // tried in order); only blocks without one claim them.
      boolean filtered = block.directives().stream().anyMatch(d -> d.name().text().equals(VIEW));
      List<ServerKey> keys = new ArrayList<>();
      for (LexToken key : block.keys()) {
        for (ServerKey serverKey : serverKeys(key, defaultDnsPort)) {
          Location first = filtered ? null : claimed.putIfAbsent(serverKey.label(), serverKey.location());
          if (first != null) {
            throw new ConfigException(
                serverKey.location(),
                null,
                "cannot serve " + serverKey.label() + " - it is already defined (at " + first + ")");
          }
          keys.add(serverKey);
        }
      }
      blocks.add(new ServerBlock(List.copyOf(keys), block.directives(), block.keys().get(0).location()));
    }

    List<Path> files = new ArrayList<>();
    if (mainFile != null) {
      files.add(mainFile);
    }
    parser.importedFiles().stream().filter(f -> !files.contains(f)).forEach(files::add);
    return new Corefile(List.copyOf(blocks), List.copyOf(files), sha512(bytes));
  }

  private static List<ServerKey> serverKeys(LexToken key, int defaultDnsPort) throws ConfigException {
    ZoneKey parsed;
    try {
      parsed = ZoneKey.parse(key.text());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key.location(), null, e.getMessage());
    }
    int port = parsed.port() != null
        ? parsed.port()
        : parsed.scheme() == Scheme.DNS ? defaultDnsPort : parsed.scheme().defaultPort();
    return parsed.zones().stream()
        .map(zone -> new ServerKey(parsed.scheme(), zone, port, parsed.network(), key.location()))
        .toList();
  }

  private static String sha512(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      // every Java platform must provide SHA-512 (MessageDigest Javadoc)
      throw new IllegalStateException(e);
    }
  }
}
