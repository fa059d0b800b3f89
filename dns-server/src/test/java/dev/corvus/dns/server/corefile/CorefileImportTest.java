package dev.corvus.dns.server.corefile;

import static dev.corvus.dns.server.corefile.CorefileGrammarTest.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.Location;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code import} of files and globs, relative to the importing file, with their own locations. */
class CorefileImportTest {

  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return file;
  }

  private Corefile parseMain(String text) throws Exception {
    return CorefileParser.parse(write("Corefile", text), Map.of("ZONE", "env.org"), 53);
  }

  private ConfigException failMain(String text) throws IOException {
    Path main = write("Corefile", text);
    return assertThrows(ConfigException.class, () -> CorefileParser.parse(main, Map.of(), 53));
  }

  @Test
  void importsAFileInsideABlock() throws Exception {
    Path part = write("common.conf", "log\nerrors\n");
    Corefile corefile = parseMain(". {\n  import common.conf\n  whoami\n}\n");
    assertEquals("dns://.:53{log();errors();whoami()}", render(corefile));
    assertEquals(List.of(dir.resolve("Corefile"), part), corefile.files());
    Directive errors = corefile.blocks().get(0).directives().get(1);
    assertEquals(new Location(part.toString(), 2), errors.location());
    assertEquals(new Location(dir.resolve("Corefile").toString(), 3),
        corefile.blocks().get(0).directives().get(2).location());
  }

  @Test
  void importsWholeServerBlocksAtTopLevelWithEnvironment() throws Exception {
    write("zones/a.conf", "a.org {\n  whoami\n}\n");
    write("zones/b.conf", "{$ZONE} {\n  log\n}\n");
    write("zones/skip.txt", "not imported {\n}\n");
    Corefile corefile = parseMain("import zones/*.conf\n. {\n  errors\n}\n");
    assertEquals("dns://a.org.:53{whoami()} | dns://env.org.:53{log()} | dns://.:53{errors()}", render(corefile));
    assertEquals(List.of(dir.resolve("Corefile"), dir.resolve("zones/a.conf"), dir.resolve("zones/b.conf")),
        corefile.files());
  }

  @Test
  void wildcardInADirectoryComponent() throws Exception {
    write("sites/one/Corefile.part", "one.org {\n}\n");
    write("sites/two/Corefile.part", "two.org {\n}\n");
    assertEquals("dns://one.org.:53{} | dns://two.org.:53{}", render(parseMain("import sites/*/Corefile.part\n")));
  }

  @Test
  void importsInsideDirectiveBlocksAndNestedImportsResolveAgainstTheirOwnFile() throws Exception {
    write("conf/opts.conf", "max_fails 3\nimport more.conf\n");
    write("conf/more.conf", "force_tcp\n");
    Corefile corefile = parseMain(". {\n  forward . 1.1.1.1 {\n    import conf/opts.conf\n  }\n}\n");
    assertEquals("dns://.:53{forward(.,1.1.1.1){max_fails(3);force_tcp()}}", render(corefile));
    assertEquals(3, corefile.files().size());
  }

  @Test
  void fileImportsTakeArguments() throws Exception {
    write("fwd.conf", "forward . {args[0]}\n");
    assertEquals("dns://.:53{forward(.,9.9.9.9)}", render(parseMain(". {\n  import fwd.conf 9.9.9.9\n}\n")));
  }

  @Test
  void absolutePatternsAndGlobsMatchingNothing() throws Exception {
    Path abs = write("abs.conf", "log\n");
    assertEquals("dns://.:53{log()}",
        render(parseMain(". {\n  import " + abs + "\n  import none/*.conf\n}\n")));
  }

  @Test
  void stringCorefilesResolveImportsAgainstTheBaseDirectory() throws Exception {
    Path part = write("part.conf", "whoami\n");
    Corefile corefile = CorefileParser.parse(". {\n  import part.conf\n}", "<embedded>", dir, Map.of(), 53);
    assertEquals("dns://.:53{whoami()}", render(corefile));
    assertEquals(List.of(part), corefile.files());
  }

  @Test
  void errorsInImportedFilesNameThatFileAndLine() throws Exception {
    Path bad = write("bad.conf", "log\nforward . x {\n  max_fails 3 }\n");
    ConfigException e = failMain(". {\n  import bad.conf\n}\n");
    assertEquals(new Location(bad.toString(), 3), e.location());
    assertEquals("Unexpected '}' because no matching opening brace", e.detail());
  }

  @Test
  void badKeyInImportedFileNamesThatFile() throws Exception {
    Path bad = write("zones.conf", "\n\n10.0.0.0/40 {\n}\n");
    ConfigException e = failMain("import zones.conf\n");
    assertEquals(new Location(bad.toString(), 3), e.location());
    assertEquals("invalid CIDR 10.0.0.0/40", e.detail());
  }

  @Test
  void duplicateZoneAcrossFilesNamesBothPlaces() throws Exception {
    Path other = write("other.conf", "example.org {\n}\n");
    ConfigException e = failMain("example.org {\n}\nimport other.conf\n");
    assertEquals(new Location(other.toString(), 1), e.location());
    assertEquals("cannot serve dns://example.org.:53 - it is already defined (at "
        + dir.resolve("Corefile") + ":1)", e.detail());
  }

  @Test
  void importCyclesAreErrors() throws Exception {
    Path a = write("a.conf", "log\nimport b.conf\n");
    Path b = write("b.conf", "\nimport a.conf\n");
    ConfigException e = failMain(". {\n  import a.conf\n}\n");
    assertEquals(new Location(b.toString(), 2), e.location());
    assertEquals("import cycle: " + dir.resolve("Corefile") + " -> " + a + " -> " + b + " -> " + a, e.detail());
  }

  @Test
  void importingTheCorefileItselfIsACycle() throws Exception {
    ConfigException e = failMain(". {\n}\nimport Corefile\n");
    assertEquals(new Location(dir.resolve("Corefile").toString(), 3), e.location());
  }

  @Test
  void importingADirectoryIsAnError() throws Exception {
    Files.createDirectories(dir.resolve("conf.d"));
    ConfigException e = failMain("\nimport conf.d\n");
    assertEquals(new Location(dir.resolve("Corefile").toString(), 2), e.location());
    assertEquals("Could not import " + dir.resolve("conf.d") + ": is a directory", e.detail());
  }

  @Test
  void missingFileIsAnError() throws Exception {
    ConfigException e = failMain(". {\n  log\n  import missing.conf\n}\n");
    assertEquals(new Location(dir.resolve("Corefile").toString(), 3), e.location());
    assertEquals("File to import not found: missing.conf", e.detail());
  }

  @Test
  void mainFileErrorsUseThePathAsGiven() throws Exception {
    Path main = write("Corefile", ". {\n");
    Path relative = Path.of("").toAbsolutePath().relativize(main);
    ConfigException e = assertThrows(ConfigException.class, () -> CorefileParser.parse(relative, Map.of(), 53));
    assertEquals(new Location(relative.toString(), 1), e.location());
  }
}
