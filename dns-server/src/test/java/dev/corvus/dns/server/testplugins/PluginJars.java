package dev.corvus.dns.server.testplugins;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Compiles plugin sources against the test class path and packs them as a plugin jar. */
public final class PluginJars {

  private PluginJars() {}

  /**
   * Compiles {@code sources} (class name → source) and writes a jar with the classes, a
   * ServiceLoader entry for {@code factories} and the given manifest attributes.
   */
  public static Path build(Path workDir, String jarName, Map<String, String> sources, List<String> factories,
      Map<String, String> manifestAttributes) throws IOException {
    return build(workDir, jarName, sources,
        factories.isEmpty() ? Map.of() : Map.of("dev.corvus.dns.api.plugin.PluginFactory", factories),
        manifestAttributes);
  }

  /**
   * Compiles {@code sources} and writes a jar with the classes, a ServiceLoader entry for each
   * service interface with its implementations, and the given manifest attributes.
   */
  public static Path build(Path workDir, String jarName, Map<String, String> sources,
      Map<String, List<String>> services, Map<String, String> manifestAttributes) throws IOException {
    Path src = Files.createDirectories(workDir.resolve(jarName + "-src"));
    Path classes = Files.createDirectories(workDir.resolve(jarName + "-classes"));
    List<String> files = new ArrayList<>();
    for (Map.Entry<String, String> source : sources.entrySet()) {
      Path file = src.resolve(source.getKey().replace('.', '/') + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(file, source.getValue());
      files.add(file.toString());
    }
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    List<String> args = new ArrayList<>(List.of("-d", classes.toString(),
        "-cp", System.getProperty("java.class.path"), "--release", "17", "-proc:none"));
    args.addAll(files);
    int status = compiler.run(null, null, null, args.toArray(String[]::new));
    if (status != 0) {
      throw new IllegalStateException("compilation of " + jarName + " failed");
    }
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifestAttributes.forEach((k, v) -> manifest.getMainAttributes().putValue(k, v));
    Path jar = workDir.resolve(jarName + ".jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
        Stream<Path> walk = Files.walk(classes)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
        Files.copy(file, out);
        out.closeEntry();
      }
      for (Map.Entry<String, List<String>> service : services.entrySet()) {
        out.putNextEntry(new JarEntry("META-INF/services/" + service.getKey()));
        write(out, String.join("\n", service.getValue()) + "\n");
        out.closeEntry();
      }
    }
    return jar;
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
  }
}
