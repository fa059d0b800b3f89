package dev.corvus.dns.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The assembled distribution started the way the container image starts it: {@code bin/corvus}
 * with the image's {@code CORVUS_HEAP}, {@code JAVA_OPTS} and {@code MALLOC_ARENA_MAX} (read from
 * distribution/Dockerfile),
 * the heap sized from the Deployment's memory limit ({@code -XX:MaxRAM}, standing in for the
 * cgroup limit), Netty's epoll library preloaded from a directory as the image does, a
 * {@code java.io.tmpdir} that does not exist, as on the pod's read-only root file system, and an
 * AppCDS archive trained as the image build trains its own (once per test run, on the same
 * Corefile). {@code -Dcorvus.it.javaOpts=...} replaces JAVA_OPTS and {@code -Dcorvus.it.heapOpts=...}
 * CORVUS_HEAP, to measure other JVM settings (the image's archive path in the JAVA_OPTS stands for
 * the trained archive too); {@code -Dcorvus.it.javaHome=...} runs the server on another Java
 * runtime (its JAVA_HOME), as an image built with another {@code JAVA_VERSION} would.
 */
final class PodProcess implements AutoCloseable {

  private static final Pattern ENV = Pattern.compile("(CORVUS_HEAP|JAVA_OPTS)=\"([^\"]*)\"");
  private static final Pattern MALLOC_ARENAS = Pattern.compile("MALLOC_ARENA_MAX=(\\d+)");
  /** The image's class archive: AppCDS (Java 17) or an AOT cache (Java 25), trained the same way. */
  private static final Pattern ARCHIVE = Pattern.compile("-XX:(SharedArchiveFile|AOTCache)=(\\S+)");
  private static final Duration TRAINING_RUN = Duration.ofSeconds(8);
  private static final Duration TRAINING_DEADLINE = Duration.ofSeconds(60);
  /** Trained archives by the JVM options they were trained with (an archive is only used with its own). */
  private static final Map<String, Path> TRAINED = new HashMap<>();

  private final Process process;
  private final Path log;
  private final Path nativeDirectory;
  private final String heapOptions;
  private final String javaOptions;
  private final long startedNanos;

  private PodProcess(
      Process process, Path log, Path nativeDirectory, String heapOptions, String javaOptions, long startedNanos) {
    this.process = process;
    this.log = log;
    this.nativeDirectory = nativeDirectory;
    this.heapOptions = heapOptions;
    this.javaOptions = javaOptions;
    this.startedNanos = startedNanos;
  }

  static PodProcess start(Path workDir, String memoryLimitOption, String... args) throws IOException {
    Map<String, String> image = imageEnvironment();
    Path nativeDirectory = extractEpollLibrary(workDir.resolve("native"));
    String heapOptions = System.getProperty("corvus.it.heapOpts", image.get("CORVUS_HEAP"));
    String imageOptions = image.get("JAVA_OPTS");
    String javaOptions = System.getProperty("corvus.it.javaOpts", imageOptions);
    Matcher imageArchive = ARCHIVE.matcher(imageOptions);
    Matcher archive = ARCHIVE.matcher(javaOptions);
    if (imageArchive.find() && archive.find() && archive.group(2).equals(imageArchive.group(2))) {
      javaOptions = javaOptions.replace(archive.group(), "-XX:" + archive.group(1) + "="
          + trainedArchive(heapOptions, javaOptions, archive.group(), archive.group(1)));
    }
    javaOptions = javaOptions
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
    builder.environment().put("CORVUS_HEAP", heapOptions);
    builder.environment().put("JAVA_OPTS", javaOptions);
    builder.environment().putAll(runtimeEnvironment());
    long startedNanos = System.nanoTime();
    return new PodProcess(builder.start(), log, nativeDirectory, heapOptions, javaOptions, startedNanos);
  }

  /**
   * The image build's class archive training (distribution/Dockerfile): bin/corvus on the training
   * Corefile with the image's options, {@code -XX:ArchiveClassesAtExit} (AppCDS) or
   * {@code -XX:AOTCacheOutput} (AOT cache) instead of the archive,
   * stopped with SIGTERM after the same 8 s (the kubernetes plugin, with no API server, never gets
   * ready; the time lets its client retry as it would). Trained once per test JVM and set of options, into target/cds.
   */
  private static synchronized Path trainedArchive(
      String heapOptions, String javaOptions, String archiveOption, String archiveKind) throws IOException {
    Path trained = TRAINED.get(javaOptions);
    if (trained != null) {
      return trained;
    }
    Path directory = Files.createDirectories(Path.of(System.getProperty("basedir", "."), "target", "cds"));
    boolean aotCache = archiveKind.equals("AOTCache");
    Path archive = directory.resolve("corvus-" + TRAINED.size() + (aotCache ? ".aot" : ".jsa"));
    Files.deleteIfExists(archive);
    int healthPort = CorvusProcess.freePort();
    String corefile = Files.readString(
            Path.of(System.getProperty("basedir", "."), "src/main/docker/cds-training/Corefile"))
        .replace(":10053", ":" + CorvusProcess.freePort())
        .replace(":18080", ":" + healthPort)
        .replace(":18181", ":" + CorvusProcess.freePort())
        .replace(":19153", ":" + CorvusProcess.freePort());
    Path trainingCorefile = Files.writeString(directory.resolve("Corefile"), corefile);
    String options = javaOptions
        .replace(archiveOption, (aotCache ? "-XX:AOTCacheOutput=" : "-XX:ArchiveClassesAtExit=") + archive)
        .replaceAll("-Djava\\.library\\.path=\\S+", "");
    ProcessBuilder builder = new ProcessBuilder(
            CorvusProcess.home().resolve("bin/corvus").toString(), "-conf", trainingCorefile.toString())
        .directory(directory.toFile()).redirectErrorStream(true)
        .redirectOutput(directory.resolve("training.log").toFile());
    builder.environment().put("CORVUS_HEAP", heapOptions);
    builder.environment().put("JAVA_OPTS", options);
    builder.environment().putAll(runtimeEnvironment());
    Process training = builder.start();
    try {
      if (training.waitFor(TRAINING_RUN.toMillis(), TimeUnit.MILLISECONDS)
          || !healthyBefore(healthPort, training, System.nanoTime() + TRAINING_DEADLINE.toNanos())) {
        throw new IOException("the AppCDS training run did not serve; see " + directory.resolve("training.log"));
      }
      training.destroy(); // SIGTERM, as the image build stops it
      if (!training.waitFor(TRAINING_DEADLINE.toSeconds(), TimeUnit.SECONDS) || !Files.isRegularFile(archive)
          || Files.size(archive) == 0) {
        throw new IOException("AppCDS training left no archive; see " + directory.resolve("training.log"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while training the AppCDS archive", e);
    } finally {
      training.destroyForcibly();
    }
    TRAINED.put(javaOptions, archive);
    return archive;
  }

  /**
   * Whether the training run answers /health before the deadline: on a loaded machine its start
   * (with the archive being dumped at exit) may take longer than the training run itself.
   */
  private static boolean healthyBefore(int healthPort, Process training, long deadlineNanos)
      throws IOException, InterruptedException {
    while (training.isAlive()) {
      try {
        return healthy(healthPort);
      } catch (ConnectException notYetListening) {
        if (System.nanoTime() - deadlineNanos > 0) {
          return false;
        }
        training.waitFor(200, TimeUnit.MILLISECONDS);
      }
    }
    return false;
  }

  private static boolean healthy(int healthPort) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/health"))
        .timeout(Duration.ofSeconds(2)).build();
    return http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
  }

  /**
   * The final stage's {@code MALLOC_ARENA_MAX} of distribution/Dockerfile, if it sets one, and the
   * {@code JAVA_HOME} of {@code -Dcorvus.it.javaHome}, if given.
   */
  private static Map<String, String> runtimeEnvironment() throws IOException {
    Map<String, String> environment = new HashMap<>();
    Matcher arenas = MALLOC_ARENAS.matcher(finalStage());
    if (arenas.find()) {
      environment.put("MALLOC_ARENA_MAX", arenas.group(1));
    }
    String javaHome = System.getProperty("corvus.it.javaHome", "");
    if (!javaHome.isBlank()) {
      environment.put("JAVA_HOME", javaHome);
    }
    return environment;
  }

  private static String finalStage() throws IOException {
    String dockerfile = Files.readString(
        Path.of(System.getProperty("basedir", "."), "Dockerfile"), StandardCharsets.UTF_8);
    return dockerfile.substring(dockerfile.lastIndexOf("\nFROM "));
  }

  /** The final stage's {@code ENV CORVUS_HEAP=... JAVA_OPTS=...} of distribution/Dockerfile. */
  static Map<String, String> imageEnvironment() throws IOException {
    String finalStage = finalStage();
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

  String heapOptions() {
    return heapOptions;
  }

  String javaOptions() {
    return javaOptions;
  }

  /** {@link System#nanoTime()} just before the process was started (after any AppCDS training). */
  long startedNanos() {
    return startedNanos;
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
    return status("VmRSS:");
  }

  /**
   * The resident set's two parts, from /proc/PID/status: anonymous memory (the heap, what the JVM
   * and glibc allocated) and file pages (the class archive, libjvm, the jars' mapped parts).
   */
  String residentParts() throws IOException {
    return String.format(Locale.ROOT, "anonymous %.1f MiB, file %.1f MiB",
        status("RssAnon:") / 1024.0, status("RssFile:") / 1024.0);
  }

  /** The largest resident set size since the process started (VmHWM), in KiB. */
  long peakResidentKib() throws IOException {
    return status("VmHWM:");
  }

  private long status(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith(field)) {
        return Long.parseLong(line.substring(field.length()).replace("kB", "").trim());
      }
    }
    throw new IOException("no " + field + " for " + process.pid());
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
