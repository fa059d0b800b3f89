package dev.corvus.dns.server.fuzz;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.Location;
import dev.corvus.dns.server.corefile.Corefile;
import dev.corvus.dns.server.corefile.CorefileParser;
import dev.corvus.dns.server.corefile.Directive;
import dev.corvus.dns.server.corefile.DirectiveReader;
import dev.corvus.dns.server.corefile.ServerBlock;
import dev.corvus.dns.server.corefile.ServerKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;

/**
 * Fuzzes the Corefile parser and the directive reader plugins parse with: any text either parses
 * or fails with a {@link ConfigException} that names a file that was read and a line in it
 * ({@code file:line: ...}); nothing else escapes (no other exception, no stack overflow), and no
 * input takes longer than the {@link Timeout} (libFuzzer's per-input timeout when fuzzing).
 *
 * <p>Imports resolve against a temporary directory holding a few files of its own (a directive
 * list, server blocks, a file that imports itself), so that globs, nesting and cycles are reached.
 *
 * <p>Seeds and regression inputs: {@code src/test/resources/.../CorefileFuzzTestInputs/corefile}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CorefileFuzzTest {

  private static final String LABEL = "<fuzz>";
  private static final Map<String, String> ENV =
      Map.of("ZONE", "example.org", "PORT", "1053", "UPSTREAM", "127.0.0.1:5301", "EMPTY", "");
  private static final List<String> KNOWN_OPTIONS = List.of("fallthrough", "ttl", "max_fails");

  @TempDir static Path base;

  @BeforeAll
  void writeImportableFiles() throws IOException {
    Files.writeString(base.resolve("common.conf"), "errors\nlog\n");
    Files.createDirectories(base.resolve("zones"));
    Files.writeString(base.resolve("zones/a.conf"), "a.example:1053 {\n  whoami\n}\n");
    Files.writeString(base.resolve("zones/b.conf"), "b.example:1053 {\n  import ../common.conf\n  forward . {$UPSTREAM}\n}\n");
    Files.writeString(base.resolve("loop.conf"), "import loop.conf\n");
  }

  @Timeout(10)
  @DictionaryEntries({"import", "{", "}", "{$ZONE}", "{%PORT%}", "{args[0]}", "(snip)", "://", "dns://",
      "tls://", "10.0.0.0/17", "in-addr.arpa", "\"", "`", "#", ",", "common.conf", "zones/*.conf", "loop.conf"})
  @FuzzTest(maxDuration = "30s")
  void corefile(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    Corefile corefile;
    try {
      corefile = CorefileParser.parse(text, LABEL, base, ENV, 53);
    } catch (ConfigException e) {
      assertLocated(e, text);
      return;
    }
    for (ServerBlock block : corefile.blocks()) {
      List<Name> zones = block.keys().stream().map(ServerKey::zone).distinct().toList();
      for (Directive directive : block.directives()) {
        DirectiveReader reader = new DirectiveReader(directive, zones, base);
        try {
          readLines(reader);
          reader.finish();
        } catch (ConfigException e) {
          assertLocated(e, text);
        }
      }
    }
  }

  /** Reads a directive as a plugin would: its arguments, then each option and nested block. */
  private void readLines(DirectiveReader reader) throws ConfigException {
    readArguments(reader, reader.directive());
    while (reader.nextOption()) {
      readArguments(reader, reader.option());
      readLines(reader.nestedBlock());
    }
  }

  /**
   * Reads the current line's arguments with the typed readers plugins use; which one reads an
   * argument depends on the word naming the line and its position, so the fuzzer can steer it.
   */
  private void readArguments(DirectiveReader reader, String word) throws ConfigException {
    int index = 0;
    while (reader.hasNextArg()) {
      try {
        switch (Math.floorMod(Objects.hash(word, index++), 8)) {
          case 0 -> reader.nextArg("a word");
          case 1 -> reader.nextInt("a number", 0, 65535);
          case 2 -> reader.nextDuration("a duration");
          case 3 -> reader.nextAddress("an address", 53);
          case 4 -> reader.nextZone("a zone");
          case 5 -> reader.nextPath("a path");
          case 6 -> reader.remainingZonesOrServerZones();
          default -> {
            reader.nextArg("a keyword");
            throw reader.unknownOption(KNOWN_OPTIONS);
          }
        }
      } catch (ConfigException e) {
        assertLocated(e, null);
      }
    }
  }

  /**
   * The error names a line of a file that was read: the Corefile itself (within its lines) or a
   * file it imported.
   */
  private void assertLocated(ConfigException e, String text) {
    Location at = e.location();
    assertNotNull(at, e::getMessage);
    assertTrue(e.getMessage().startsWith(at.file() + ":" + at.line() + ": "), e::getMessage);
    assertTrue(at.line() >= 1, e::getMessage);
    if (at.file().equals(LABEL)) {
      if (text != null) {
        long lines = text.chars().filter(c -> c == '\n').count() + 1;
        assertTrue(at.line() <= lines, () -> "line beyond the end: " + e.getMessage());
      }
    } else {
      assertTrue(Files.isRegularFile(Path.of(at.file())), () -> "not a file that was read: " + e.getMessage());
    }
  }
}
