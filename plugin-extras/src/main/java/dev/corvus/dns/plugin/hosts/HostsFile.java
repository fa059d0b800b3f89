package dev.corvus.dns.plugin.hosts;

import dev.corvus.dns.plugin.hosts.HostsTable.MalformedLineException;
import dev.corvus.dns.plugin.hosts.HostsTable.SourceLine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * The current content of a hosts file. {@link #refresh} rereads it when its modification time or
 * size changed (CoreDNS's test); a file that disappears keeps its last content being served, as
 * CoreDNS does, and a malformed one is reported and does not replace the content.
 */
final class HostsFile {

  private final Path path;
  private final Collection<Name> zones;
  private final boolean reverse;
  private volatile HostsTable table = HostsTable.EMPTY;
  private FileTime mtime;
  private long size = -1;

  HostsFile(Path path, Collection<Name> zones, boolean reverse) {
    this.path = path;
    this.zones = zones;
    this.reverse = reverse;
  }

  Path path() {
    return path;
  }

  /** The entries as last read successfully. */
  HostsTable table() {
    return table;
  }

  /**
   * Rereads the file if it changed.
   *
   * @return whether new content was loaded
   * @throws MalformedLineException when a line is wrong; the old content stays
   * @throws IOException when the file exists but cannot be read
   */
  synchronized boolean refresh() throws MalformedLineException, IOException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return false;
    }
    if (attributes.isDirectory()
        || (attributes.lastModifiedTime().equals(mtime) && attributes.size() == size)) {
      return false;
    }
    List<String> text = Files.readAllLines(path, StandardCharsets.UTF_8);
    List<SourceLine> lines = new ArrayList<>(text.size());
    for (int i = 0; i < text.size(); i++) {
      lines.add(new SourceLine(text.get(i), path + ":" + (i + 1)));
    }
    HostsTable parsed = HostsTable.parse(lines, zones, reverse, false);
    table = parsed;
    mtime = attributes.lastModifiedTime();
    size = attributes.size();
    return true;
  }
}
