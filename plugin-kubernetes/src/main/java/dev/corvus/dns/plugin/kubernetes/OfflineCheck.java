package dev.corvus.dns.plugin.kubernetes;

import dev.corvus.dns.api.plugin.SelfCheck.Finding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code corvus doctor} for {@code kubernetes} with {@code offline DIR}: the directory exists and
 * every object file in it parses.
 */
final class OfflineCheck {

  private OfflineCheck() {}

  static Finding check(Path directory) {
    String subject = "offline directory " + directory;
    if (!Files.isDirectory(directory)) {
      return Finding.problem(subject, "not a directory; create it or fix the offline option");
    }
    DirectorySource.FileCheck files;
    try {
      files = DirectorySource.checkFiles(directory);
    } catch (IOException | RuntimeException e) {
      return Finding.problem(subject, "cannot read it: " + e.getMessage());
    }
    if (!files.errors().isEmpty()) {
      List<String> errors = new ArrayList<>();
      for (Map.Entry<Path, String> error : files.errors().entrySet()) {
        errors.add(error.getKey().getFileName() + ": " + error.getValue());
      }
      return Finding.problem(subject, files.errors().size() + " of " + files.files()
          + " files do not parse; fix or remove them: " + String.join("; ", errors));
    }
    return Finding.ok(subject, files.objects() + " objects in " + files.files() + " files");
  }
}
