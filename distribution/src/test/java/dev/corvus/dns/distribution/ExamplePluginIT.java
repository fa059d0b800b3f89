package dev.corvus.dns.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * docs/plugins.md followed as a plugin team follows it: the example plugins of docs/examples are
 * built with Maven outside the reactor (their own tests included), dropped into the {@code
 * plugins/} directory of a private copy of the distribution, and served by its {@code
 * bin/corvus}.
 */
class ExamplePluginIT {

  @TempDir static Path workDir;
  static ExampleBuild maven;
  static Path examples;

  @BeforeAll
  static void buildTheExamplesAsAPluginTeamWould() throws Exception {
    maven = ExampleBuild.withFreshCorvus(workDir);
    examples = ExampleBuild.copyExamples(workDir.resolve("examples"));
    // The examples' own tests run too: they prove the guide's testing workflow against the
    // dns-server just built. -Dcorvus.examples.skipTests=true leaves them out.
    if (Boolean.getBoolean("corvus.examples.skipTests")) {
      maven.mvn(examples, "verify", "-DskipTests");
    } else {
      maven.mvn(examples, "verify");
    }
  }

  @AfterAll
  static void removeTheOverlayRepository() throws Exception {
    if (maven != null) {
      maven.close();
    }
  }

  private static Path blocklistJar() {
    return examples.resolve("blocklist/target/corvus-blocklist-1.0.0.jar");
  }

  @Test
  void theBlocklistExampleServesItsDirectiveOverUdpAndTcp(@TempDir Path dir) throws Exception {
    DistributionCopy corvus = DistributionCopy.of(dir.resolve("corvus"));
    Files.copy(blocklistJar(), corvus.plugins().resolve("corvus-blocklist-1.0.0.jar"));

    CorvusProcess.Result plugins = corvus.run(dir, "plugins");
    assertEquals(0, plugins.status(), plugins.output());
    assertTrue(plugins.output().lines().anyMatch(line -> line.contains(" blocklist ")
        && line.contains("before cache") && line.contains("plugins/corvus-blocklist-1.0.0.jar")),
        "listed with its placement and jar:\n" + plugins.output());

    Files.write(dir.resolve("blocked.txt"), List.of("ads.example.org"));
    int port = CorvusProcess.freePort();
    int readyPort = CorvusProcess.freePort();
    Path corefile = Files.writeString(dir.resolve("Corefile"), """
        .:%d {
            ready 127.0.0.1:%d
            blocklist blocked.txt
            whoami
        }
        """.formatted(port, readyPort));
    try (DistributionCopy.Running server = corvus.start(dir, "-conf", corefile.toString())) {
      DistributionCopy.awaitReady(server, readyPort);
      Message udp = DistributionCopy.awaitAnswer(server, port, "ads.example.org.", Type.A, false);
      assertEquals(Rcode.NXDOMAIN, udp.getRcode(), "blocked over UDP");
      Message tcp = DistributionCopy.awaitAnswer(server, port, "cdn.ads.example.org.", Type.AAAA, true);
      assertEquals(Rcode.NXDOMAIN, tcp.getRcode(), "blocked over TCP, names below included");
      Message passed = DistributionCopy.awaitAnswer(server, port, "www.example.org.", Type.A, false);
      assertEquals(Rcode.NOERROR, passed.getRcode(), "passed on to whoami");
      assertFalse(passed.getSection(Section.ADDITIONAL).isEmpty(), "whoami's answer: " + passed);
      assertTrue(server.output().contains("blocklist: 1 name from"), server.output());
    }
  }

  @Test
  void pluginsBringTheirOwnJacksonBesideTheServersOwn(@TempDir Path dir) throws Exception {
    DistributionCopy corvus = DistributionCopy.of(dir.resolve("corvus"));
    String serverJackson = version(corvus.libJars("jackson-databind-").get(0), "jackson-databind-");

    Path jsonrecords = examples.resolve("jsonrecords/target/plugin/jsonrecords");
    copyFolder(jsonrecords, corvus.plugins().resolve("jsonrecords"));
    String pluginJackson = version(jarsStartingWith(jsonrecords, "jackson-databind-").get(0), "jackson-databind-");
    assertNotEquals(serverJackson, pluginJackson, "the example must use a Jackson the server does not ship");

    // A second plugin folder bringing its own copy of the server's Jackson version.
    Path probe = Files.createDirectories(corvus.plugins().resolve("jackson-probe"));
    List<Path> jackson = new ArrayList<>();
    for (String artifact : List.of("jackson-databind-", "jackson-core-", "jackson-annotations-")) {
      Path jar = corvus.libJars(artifact).get(0);
      jackson.add(Files.copy(jar, probe.resolve(jar.getFileName())));
    }
    buildProbePlugin(corvus, jackson, dir, probe.resolve("jackson-probe.jar"));

    Files.writeString(dir.resolve("records.json"), """
        {"www.example.org": {"A": ["192.0.2.80"]}}
        """);
    int port = CorvusProcess.freePort();
    Path corefile = Files.writeString(dir.resolve("Corefile"), """
        .:%d {
            jsonrecords records.json
            jacksonprobe
        }
        """.formatted(port));
    try (DistributionCopy.Running server = corvus.start(dir, "-conf", corefile.toString())) {
      Message www = DistributionCopy.awaitAnswer(server, port, "www.example.org.", Type.A, false);
      assertEquals("192.0.2.80", ((ARecord) www.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress(),
          "jsonrecords read its file with its own Jackson");
      assertTrue(server.output().contains("(read with Jackson " + pluginJackson + ")"), server.output());

      Message probed = DistributionCopy.awaitAnswer(server, port, "probe.example.", Type.TXT, true);
      assertEquals("\"jackson " + serverJackson + " loaded by jackson-probe\"",
          probed.getSection(Section.ANSWER).get(0).rdataToString(),
          "the probe sees its own copy, in its own class loader");
    }
  }

  @Test
  void aPluginBuiltAgainstAnotherMajorApiIsRefusedInOneLineAndTheServerStillStarts(@TempDir Path dir)
      throws Exception {
    DistributionCopy corvus = DistributionCopy.of(dir.resolve("corvus"));
    Path refusedJar = corvus.plugins().resolve("blocklist-for-api-2.jar");
    withApiVersion(blocklistJar(), refusedJar, "2");

    int port = CorvusProcess.freePort();
    Path corefile = Files.writeString(dir.resolve("Corefile"), ".:%d {\n    whoami\n}\n".formatted(port));
    try (DistributionCopy.Running server = corvus.start(dir, "-conf", corefile.toString())) {
      Message answer = DistributionCopy.awaitAnswer(server, port, "whoami.example.", Type.A, false);
      assertEquals(Rcode.NOERROR, answer.getRcode(), "the server serves without the refused plugin");

      String output = server.output();
      List<String> refusals = output.lines().filter(line -> line.contains("blocklist-for-api-2.jar")).toList();
      assertEquals(1, refusals.size(), output);
      assertTrue(refusals.get(0).contains("refused") && refusals.get(0).contains("dns-api 2"), refusals.get(0));
      assertFalse(output.contains("\tat "), "no stack trace:\n" + output);
    }
  }

  /** Writes a copy of {@code jar} whose manifest declares {@code Corvus-Api-Version: major}. */
  private static void withApiVersion(Path jar, Path copy, String major) throws IOException {
    try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
      Manifest manifest = new Manifest(in.getManifest());
      manifest.getMainAttributes().putValue("Corvus-Api-Version", major);
      try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(copy), manifest)) {
        for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
          out.putNextEntry(new JarEntry(entry.getName()));
          in.transferTo(out);
          out.closeEntry();
        }
      }
    }
  }

  private static final String PROBE = """
      package com.example.probe;

      import com.fasterxml.jackson.databind.ObjectMapper;
      import dev.corvus.dns.api.Responses;
      import dev.corvus.dns.api.config.ConfigException;
      import dev.corvus.dns.api.config.ConfigReader;
      import dev.corvus.dns.api.plugin.Placement;
      import dev.corvus.dns.api.plugin.Plugin;
      import dev.corvus.dns.api.plugin.PluginContext;
      import dev.corvus.dns.api.plugin.PluginFactory;
      import org.xbill.DNS.DClass;
      import org.xbill.DNS.TXTRecord;

      /** Answers TXT with the Jackson version it sees and the class loader that loaded it. */
      public final class JacksonProbeFactory implements PluginFactory {
        public String directive() { return "jacksonprobe"; }
        public Placement placement() { return Placement.after("jsonrecords"); }
        public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
          config.expectNoMoreArgs();
          String seen = "jackson " + new ObjectMapper().version() + " loaded by "
              + ObjectMapper.class.getClassLoader().getName();
          return Plugin.of(chain -> Responses.completed(Responses.answer(chain.request(),
              new TXTRecord(chain.request().qname(), DClass.IN, 0, seen))));
        }
      }
      """;

  /** Compiles the probe against the distribution's dns-api and {@code jackson}, and jars it. */
  private static void buildProbePlugin(DistributionCopy corvus, List<Path> jackson, Path dir, Path jar)
      throws IOException {
    Path src = Files.createDirectories(dir.resolve("probe-src/com/example/probe"));
    Path classes = Files.createDirectories(dir.resolve("probe-classes"));
    Path source = Files.writeString(src.resolve("JacksonProbeFactory.java"), PROBE);
    Path api = corvus.libJars("dns-api-").get(0);
    List<Path> classPath = new ArrayList<>(jackson);
    classPath.add(api);
    classPath.addAll(corvus.libJars("dnsjava-"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int status = javac.run(null, null, null, "--release", "17", "-proc:none", "-d", classes.toString(),
        "-cp", String.join(java.io.File.pathSeparator, classPath.stream().map(Path::toString).toList()),
        source.toString());
    assertEquals(0, status, "the probe compiles");

    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    try (JarFile apiJar = new JarFile(api.toFile())) {
      manifest.getMainAttributes().putValue("Corvus-Api-Version",
          apiJar.getManifest().getMainAttributes().getValue("Corvus-Api-Version"));
    }
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
        Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
        Files.copy(file, out);
        out.closeEntry();
      }
      out.putNextEntry(new JarEntry("META-INF/services/dev.corvus.dns.api.plugin.PluginFactory"));
      write(out, "com.example.probe.JacksonProbeFactory\n");
      out.closeEntry();
    }
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
  }

  private static void copyFolder(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> list = Files.list(from)) {
      for (Path file : list.toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          Files.copy(in, to.resolve(file.getFileName()));
        }
      }
    }
  }

  private static List<Path> jarsStartingWith(Path folder, String prefix) throws IOException {
    try (Stream<Path> list = Files.list(folder)) {
      return list.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
    }
  }

  /** {@code jackson-databind-2.17.2.jar} → {@code 2.17.2}. */
  private static String version(Path jar, String prefix) {
    String name = jar.getFileName().toString();
    return name.substring(prefix.length(), name.length() - ".jar".length());
  }
}
