package dev.corvus.dns.plugin.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ID table behaves as a map from 16-bit IDs, through growth and backward-shift removals. */
class PendingQueriesTest {

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 2024})
  void behavesLikeAMapUnderRandomPutsAndRemoves(long seed) {
    Random random = new Random(seed);
    PendingQueries<String> table = new PendingQueries<>();
    Map<Integer, String> expected = new HashMap<>();
    for (int step = 0; step < 50_000; step++) {
      // Few distinct IDs at a time, clustered low bits: long probe runs and many collisions.
      int id = random.nextInt(4) << 12 | random.nextInt(64);
      if (random.nextInt(3) == 0 || expected.containsKey(id)) {
        assertEquals(expected.remove(id), table.remove(id), "remove " + id + " at step " + step);
      } else {
        table.put(id, "q" + step);
        expected.put(id, "q" + step);
      }
      int probe = random.nextInt(4) << 12 | random.nextInt(64);
      assertEquals(expected.get(probe), table.get(probe), "get " + probe + " at step " + step);
      assertEquals(expected.size(), table.size());
    }
    assertEquals(new HashSet<>(expected.values()), new HashSet<>(table.values()));
    assertEquals(expected.size(), table.clear().size());
    assertEquals(0, table.size());
    assertNull(table.get(expected.keySet().stream().findFirst().orElse(0)));
  }
}
