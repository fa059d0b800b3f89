package com.example.corvus.blocklist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BlocklistTest {

  private final Blocklist list = Blocklist.parse("list.txt", List.of(
      "# tracking",
      "ads.example.org",
      "",
      "Tracker.Example.NET.   # absolute, mixed case",
      "   telemetry.example.com  "));

  @ParameterizedTest(name = "{0} blocked: {1}")
  @CsvSource({
      "ads.example.org.,          true",
      "banner.ads.example.org.,   true",
      "a.b.ads.example.org.,      true",
      "tracker.example.net.,      true",
      "telemetry.example.com.,    true",
      "example.org.,              false",
      "bads.example.org.,         false",
      "ads.example.org.evil.,     false",
      "www.example.net.,          false",
      ".,                         false",
  })
  void aNameBlocksItselfAndEverythingBelowIt(String name, boolean blocked) {
    assertEquals(blocked, list.blocks(name));
  }

  @Test
  void commentsAndBlankLinesAreNotNames() {
    assertEquals(3, list.size());
  }

  @Test
  void theEmptyListBlocksNothing() {
    assertFalse(Blocklist.EMPTY.blocks("ads.example.org."));
  }

  @Test
  void aLineThatIsNoDomainNameIsReportedWithFileAndLine() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> Blocklist.parse("list.txt", List.of("ok.example.", "bad..name")));
    assertTrue(error.getMessage().startsWith("list.txt:2: not a domain name: bad..name"), error.getMessage());
  }
}
