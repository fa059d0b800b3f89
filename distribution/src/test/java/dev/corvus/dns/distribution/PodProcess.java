package dev.corvus.dns.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The assembled distribution started the way the container image starts it: {@code bin/corvus}
 * with the image's {@code CORVUS_HEAP} and {@code JAVA_OPTS} (read from distribution/Dockerfile),
 * the heap sized from the Deployment's memory limit ({@code -XX:MaxRAM}, standing in for the
 * cgroup limit), Netty's epoll library preloaded from a directory as the image does, and a
 * {@code java.io.tmpdir} that does not exist, as on the pod's read-only root file system. Only the
 * AppCDS archive is left out: it is built inside the image. {@code -Dcorvus.it.javaOpts=...}
 * replaces JAVA_OPTS, to measure other JVM settings.
 */
final class PodProcess implements AutoCloseable {

  private static final Pattern ENV = Pattern.compile("(CORVUS_HEAP|JAVA_OPTS)=\"([^\"]*)\"");

  private final Process process;
  private final Path log;
  private final Path nativeDirectory;
  private final String javaOptions;

  private PodProcess(Process process, Path log, Path nativeDirectory, String javaOptions) {
    this.process = process;
    this.log = log;
    this.nativeDirectory = nativeDirectory;
    this.javaOptions = javaOptions;
  }

  static PodProcess start(Path workDir, String memoryLimitOption, String... args) throws IOException {
    Map<String, String> image = imageEnvironment();
    Path nativeDirectory = extractEpollLibrary(workDir.resolve("native"));
    String javaOptions = System.getProperty("corvus.it.javaOpts", image.get("JAVA_OPTS"))
        .replaceAll("-XX:SharedArchiveFile=\\S+", "")
        .replaceAll("-Djava\\.library\\.path=\\S+", "")
        .trim()
        + " -Djava.library.path=" + nativeDirectory
        + " -Djava.io.tmpdir=" + workDir.resolve("read-only-root/tmp")
        + " " + memoryLimitOption;
    List<String> command = new ArrayList<>();
    command.add(CorvusProcess.home().resolve("bin/corvus").toString());
    command.addAll(List.of(args));
    Path log = Files.createTempFile(workDir, "corvus", ".log");
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("CORVUS_HEAP", image.get("CORVUS_HEAP"));
    builder.environment().put("JAVA_OPTS", javaOptions);
    return new PodProcess(builder.start(), log, nativeDirectory, javaOptions);
  }

  /** The final stage's {@code ENV CORVUS_HEAP=... JAVA_OPTS=...} of distribution/Dockerfile. */
  static Map<String, String> imageEnvironment() throws IOException {
    String dockerfile = Files.readString(
        Path.of(System.getProperty("basedir", "."), "Dockerfile"), StandardCharsets.UTF_8);
    String finalStage = dockerfile.substring(dockerfile.lastIndexOf("\nFROM "));
    Map<String, String> values = new HashMap<>();
    Matcher matcher = ENV.matcher(finalStage);
    while (matcher.find()) {
      values.put(matcher.group(1), matcher.group(2));
    }
    if (!values.keySet().equals(Set.of("CORVUS_HEAP", "JAVA_OPTS"))) {
      throw new IllegalStateException("the Dockerfile's final stage must set CORVUS_HEAP and JAVA_OPTS: " + values);
    }
    return values;
  }

  /** Copies libnetty_transport_native_epoll_ARCH.so out of the assembly's jar, as the image build does. */
  private static Path extractEpollLibrary(Path directory) throws IOException {
    Files.createDirectories(directory);
    String arch = System.getProperty("os.arch").equals("aarch64") ? "aarch_64" : "x86_64";
    try (DirectoryStream<Path> jars = Files.newDirectoryStream(CorvusProcess.home().resolve("lib"),
        "netty-transport-native-epoll-*-linux-" + arch + ".jar")) {
      for (Path jar : jars) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
          for (ZipEntry entry : Collections.list(zip.entries())) {
            if (entry.getName().startsWith("META-INF/native/") && entry.getName().endsWith(".so")) {
              try (InputStream in = zip.getInputStream(entry)) {
                Files.copy(in, directory.resolve(Path.of(entry.getName()).getFileName()));
              }
            }
          }
        }
      }
    }
    return directory;
  }

  Process process() {
    return process;
  }

  String javaOptions() {
    return javaOptions;
  }

  String output() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  /** Whether the JVM mapped Netty's epoll library from the preloaded directory (not from a temp copy). */
  boolean usesPreloadedEpollLibrary() throws IOException {
    return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "maps")).stream()
        .anyMatch(line -> line.contains(nativeDirectory + "/libnetty_transport_native_epoll"));
  }

  /** The resident set size from /proc/PID/status, in KiB. */
  long residentKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.substring("VmRSS:".length()).replace("kB", "").trim());
      }
    }
    throw new IOException("no VmRSS for " + process.pid());
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
