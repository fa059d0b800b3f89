package dev.corvus.dns.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.config.CorefileCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documentation's code blocks that can be run are run: every Corefile block of every Markdown
 * file in the repository passes {@code corvus check} (with the stock directives), and the README's
 * embedding example is the code {@link EmbeddingExampleTest} runs.
 *
 * <p>A Corefile block is a fenced block whose info string is {@code corefile}. The files it names
 * come from blocks of the same document whose info string ends in {@code file=NAME} (a zone file,
 * a hosts file), written beside it, or that a block with the info string {@code perl writes=NAME}
 * writes when Perl runs it with NAME as its argument (a MaxMind DB for {@code geoip}). A Corefile
 * fragment that cannot stand alone is fenced as {@code txt}.
 */
class DocumentationTest {

  private static final Pattern FENCE =
      Pattern.compile("(?m)^(```|~~~) ?([^\\n]*)\\n(.*?)^\\1[ \\t]*$", Pattern.DOTALL);
  private static final Pattern FILE = Pattern.compile("file=(\\S+)");
  /** A Perl script that writes a binary file (geoip's .mmdb) given its name as argument. */
  private static final Pattern WRITES = Pattern.compile("perl writes=(\\S+)");

  /** A fenced code block. */
  private record Block(Path document, int line, String info, String text) {}

  static Path sourceRoot() {
    return Path.of("").toAbsolutePath().getParent();
  }

  private static List<Path> documents() throws IOException {
    Path root = sourceRoot();
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> p.toString().endsWith(".md"))
          .filter(p -> !root.relativize(p).toString().contains("target"))
          .filter(p -> !root.relativize(p).startsWith(".git"))
          .sorted()
          .toList();
    }
  }

  private static List<Block> blocks(Path document) throws IOException {
    String text = Files.readString(document);
    List<Block> blocks = new ArrayList<>();
    Matcher matcher = FENCE.matcher(text);
    while (matcher.find()) {
      int line = 1 + (int) text.substring(0, matcher.start()).chars().filter(c -> c == '\n').count();
      blocks.add(new Block(document, line, matcher.group(2).trim(), matcher.group(3)));
    }
    return blocks;
  }

  @TestFactory
  Stream<DynamicTest> everyCorefileBlockPassesCheck(@TempDir Path work) throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    int documentIndex = 0;
    for (Path document : documents()) {
      List<Block> blocks = blocks(document);
      Path dir = Files.createDirectories(work.resolve("doc" + documentIndex++));
      for (Block block : blocks) {
        Matcher file = FILE.matcher(block.info());
        Matcher writes = WRITES.matcher(block.info());
        if (file.find()) {
          Path written = dir.resolve(file.group(1));
          Files.createDirectories(written.getParent());
          Files.writeString(written, block.text());
        } else if (writes.matches()) {
          runPerl(block, dir, writes.group(1));
        }
      }
      for (Block block : blocks) {
        if (!block.info().equals("corefile")) {
          continue;
        }
        String name = sourceRoot().relativize(document) + ":" + block.line();
        tests.add(DynamicTest.dynamicTest(name, () -> {
          Path corefile = Files.writeString(dir.resolve("Corefile-" + block.line()), block.text());
          CorefileCheck.Result result = CorefileCheck.check(corefile, null, Map.of(), 53);
          assertTrue(result.valid(), name + ":\n" + block.text() + "\n" + String.join("\n", result.errors()));
        }));
      }
    }
    assertFalse(tests.isEmpty(), "no Corefile blocks found under " + sourceRoot());
    return tests.stream();
  }

  /** Runs a {@code perl writes=NAME} block in {@code dir} to write NAME (.ci/run installs its modules). */
  private static void runPerl(Block block, Path dir, String name) throws IOException {
    Path script = Files.writeString(dir.resolve("writes-" + block.line() + ".pl"), block.text());
    Process perl = new ProcessBuilder("perl", script.toString(), name).directory(dir.toFile())
        .redirectErrorStream(true).start();
    String output = new String(perl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    try {
      if (!perl.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || perl.exitValue() != 0) {
        throw new AssertionError(block.document() + ":" + block.line() + ": the script did not write " + name
            + ":\n" + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  @Test
  void theReadmeEmbeddingExampleIsTheCodeItsTestRuns() throws IOException {
    String readme = Files.readString(sourceRoot().resolve("README.md"));
    String example = blocks(sourceRoot().resolve("README.md")).stream()
        .filter(b -> b.info().equals("java") && b.text().contains("Corvus.builder()"))
        .map(Block::text).findFirst().orElseThrow(() -> new AssertionError("no embedding example in README.md"));
    String source = Files.readString(sourceRoot().resolve(
        "distribution/src/test/java/dev/corvus/dns/distribution/EmbeddingExampleTest.java"));
    String marked = source.substring(source.indexOf("// README begin\n") + "// README begin\n".length(),
        source.indexOf("// README end"));
    assertEquals(unindent(marked), example, "README.md's embedding example differs from EmbeddingExampleTest");
    assertTrue(readme.contains(example));
  }

  private static String unindent(String code) {
    int indent = code.length() - code.stripLeading().length();
    StringBuilder out = new StringBuilder();
    for (String line : code.split("\n", -1)) {
      out.append(line.length() >= indent ? line.substring(indent) : line.strip()).append('\n');
    }
    return out.toString().stripTrailing() + "\n";
  }
}
