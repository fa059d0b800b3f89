package dev.corvus.dns.plugin.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** CoreDNS's {@code policy_test.go}: empty lists, and the order each policy gives. */
class PolicyTest {

  private static final List<String> THREE = List.of("a", "b", "c");

  @Test
  void anEmptyListStaysEmpty() {
    for (Policy policy : Policy.values()) {
      assertEquals(List.of(), policy.order(List.<String>of(), new AtomicInteger()), policy.keyword());
    }
  }

  @Test
  void sequentialKeepsTheConfiguredOrder() {
    AtomicInteger robin = new AtomicInteger();
    for (int i = 0; i < 3; i++) {
      assertEquals(THREE, Policy.SEQUENTIAL.order(THREE, robin));
    }
  }

  @Test
  void roundRobinStartsAtTheNextUpstreamEachTimeThenTheOthersInOrder() {
    AtomicInteger robin = new AtomicInteger();
    assertEquals(List.of("b", "a", "c"), Policy.ROUND_ROBIN.order(THREE, robin));
    assertEquals(List.of("c", "a", "b"), Policy.ROUND_ROBIN.order(THREE, robin));
    assertEquals(List.of("a", "b", "c"), Policy.ROUND_ROBIN.order(THREE, robin));
    assertEquals(List.of("b", "a", "c"), Policy.ROUND_ROBIN.order(THREE, robin));
  }

  @Test
  void randomIsAPermutationAndVaries() {
    Set<List<String>> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      List<String> order = Policy.RANDOM.order(THREE, new AtomicInteger());
      assertEquals(Set.copyOf(THREE), Set.copyOf(order));
      assertEquals(3, order.size());
      seen.add(order);
    }
    // 200 draws of 6 permutations: missing one has a chance of about 6 * (5/6)^200, 1e-15.
    assertEquals(6, seen.size());
  }
}
