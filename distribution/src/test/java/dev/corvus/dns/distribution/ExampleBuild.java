package dev.corvus.dns.distribution;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Builds the example plugins of {@code docs/examples} with Maven, as a plugin team outside this
 * repository builds theirs: against {@code dev.corvus:dns-api} and {@code dns-server} from a
 * local Maven repository.
 *
 * <p>{@code mvn verify} does not install the reactor's artifacts, and overwriting them in the
 * user's local repository would pull jars from under running JVMs (a test run with {@code -pl
 * distribution} has them on its class path). So the nested builds use an overlay repository in
 * the test's directory: every group of the user's local repository is linked into it, except
 * {@code dev/corvus}, into which {@link #installCorvus} installs the jars this distribution runs
 * ({@code lib/dns-api-*.jar}, {@code lib/dns-server-*.jar}) with their poms and the parent pom
 * of the source tree — what {@code mvn install} would have installed. The nested Maven runs
 * follow the outer build's {@code -o} and {@code -s}, read from the {@code MAVEN_CMD_LINE_ARGS}
 * the {@code mvn} script exports.
 */
final class ExampleBuild implements AutoCloseable {

  private final Path repository;

  private ExampleBuild(Path repository) {
    this.repository = repository;
  }

  /** Creates the overlay repository in {@code workDir} and installs Corvus into it. */
  static ExampleBuild withFreshCorvus(Path workDir) throws Exception {
    ExampleBuild build = new ExampleBuild(overlayRepository(workDir.resolve("repository")));
    build.installCorvus(workDir);
    return build;
  }

  /** Removes the overlay's links (never what they point to). */
  @Override
  public void close() throws IOException {
    for (Path dir : List.of(repository, repository.resolve("dev"))) {
      try (Stream<Path> children = Files.list(dir)) {
        for (Path child : children.toList()) {
          if (Files.isSymbolicLink(child)) {
            Files.delete(child);
          }
        }
      }
    }
  }

  private static Path overlayRepository(Path overlay) throws IOException {
    Path base = outerLocalRepository();
    Files.createDirectories(overlay.resolve("dev/corvus"));
    linkChildren(base, overlay, "dev");
    linkChildren(base.resolve("dev"), overlay.resolve("dev"), "corvus");
    return overlay;
  }

  private static void linkChildren(Path from, Path to, String except) throws IOException {
    if (!Files.isDirectory(from)) {
      return;
    }
    try (Stream<Path> children = Files.list(from)) {
      for (Path child : children.toList()) {
        if (!child.getFileName().toString().equals(except)) {
          Files.createSymbolicLink(to.resolve(child.getFileName().toString()), child.toAbsolutePath());
        }
      }
    }
  }

  /** The outer build's local repository: its {@code -Dmaven.repo.local}, else ~/.m2/repository. */
  private static Path outerLocalRepository() {
    for (String token : outerArguments()) {
      if (token.startsWith("-Dmaven.repo.local=")) {
        return Path.of(token.substring("-Dmaven.repo.local=".length())).toAbsolutePath();
      }
    }
    return Path.of(System.getProperty("user.home"), ".m2", "repository");
  }

  /** The root of the source tree the distribution was built from. */
  static Path sourceRoot() {
    // <root>/distribution/target/corvus-<version>
    return CorvusProcess.home().toAbsolutePath().getParent().getParent().getParent();
  }

  /** The Corvus version, from the distribution's directory name {@code corvus-<version>}. */
  static String corvusVersion() {
    return CorvusProcess.home().getFileName().toString().substring("corvus-".length());
  }

  /**
   * Installs the parent pom, dns-api and dns-server of this build into the local Maven
   * repository, with the test kit (which is not in {@code lib/}: it ships as a Maven artifact
   * only), in one Maven run of a generated pom with four {@code install-file} executions.
   */
  private void installCorvus(Path workDir) throws Exception {
    Path root = sourceRoot();
    Path lib = CorvusProcess.home().resolve("lib");
    String version = corvusVersion();
    String installer = """
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>dev.corvus.it</groupId>
          <artifactId>install-corvus-for-examples</artifactId>
          <version>1</version>
          <packaging>pom</packaging>
          <build>
            <plugins>
              <plugin>
                <groupId>org.apache.maven.plugins</groupId>
                <artifactId>maven-install-plugin</artifactId>
                <version>3.1.3</version>
                <executions>
                  %s
                  %s
                  %s
                  %s
                </executions>
              </plugin>
            </plugins>
          </build>
        </project>
        """.formatted(
            installFile("corvus-parent", root.resolve("pom.xml"), root.resolve("pom.xml"), "pom"),
            installFile("dns-api", lib.resolve("dns-api-" + version + ".jar"),
                root.resolve("dns-api/pom.xml"), "jar"),
            installFile("dns-server", lib.resolve("dns-server-" + version + ".jar"),
                root.resolve("dns-server/pom.xml"), "jar"),
            installFile("dns-server-testkit", testkitJar(), root.resolve("dns-server-testkit/pom.xml"), "jar"));
    Path pom = Files.writeString(workDir.resolve("install-corvus.xml"), installer);
    mvn(workDir, "-f", pom.toString(), "validate");
  }

  /** The test kit's jar, from this test's class path (the reactor's build of it). */
  private static Path testkitJar() {
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (entry.contains("dns-server-testkit") && entry.endsWith(".jar")) {
        return Path.of(entry);
      }
    }
    throw new IllegalStateException("dns-server-testkit's jar is not on the test class path");
  }

  private static String installFile(String id, Path file, Path pom, String packaging) {
    return """
        <execution>
          <id>%s</id>
          <phase>validate</phase>
          <goals><goal>install-file</goal></goals>
          <configuration>
            <file>%s</file>
            <pomFile>%s</pomFile>
            <packaging>%s</packaging>
          </configuration>
        </execution>
        """.formatted(id, file, pom, packaging);
  }

  /** Copies {@code docs/examples} (without build output) to {@code target} and returns it. */
  static Path copyExamples(Path target) throws IOException {
    Path examples = sourceRoot().resolve("docs/examples");
    try (Stream<Path> walk = Files.walk(examples)) {
      for (Path source : walk.filter(p -> !examples.relativize(p).toString().contains("target")).toList()) {
        Path copy = target.resolve(examples.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(source, copy, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return target;
  }

  /** Runs {@code mvn -B -q ARGS} in {@code dir}; fails with Maven's output when it fails. */
  void mvn(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("mvn", "-B", "-q"));
    command.addAll(outerBuildOptions());
    command.add("-Dmaven.repo.local=" + repository);
    command.addAll(List.of(args));
    Path log = Files.createTempFile(dir, "mvn", ".log");
    Process process = new ProcessBuilder(command).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish:\n" + Files.readString(log));
    }
    if (process.exitValue() != 0) {
      throw new AssertionError(String.join(" ", command) + " failed:\n"
          + Files.readString(log, StandardCharsets.UTF_8));
    }
  }

  /** The outer Maven run's offline flag and settings file. */
  private static List<String> outerBuildOptions() {
    List<String> options = new ArrayList<>();
    String[] tokens = outerArguments();
    for (int i = 0; i < tokens.length; i++) {
      String token = tokens[i];
      if (token.equals("-o") || token.equals("--offline")) {
        options.add("-o");
      } else if ((token.equals("-s") || token.equals("--settings")) && i + 1 < tokens.length) {
        options.add("-s");
        options.add(tokens[++i]);
      }
    }
    return options;
  }

  private static String[] outerArguments() {
    String outer = System.getenv("MAVEN_CMD_LINE_ARGS");
    return outer == null || outer.isBlank() ? new String[0] : outer.trim().split("\\s+");
  }
}
