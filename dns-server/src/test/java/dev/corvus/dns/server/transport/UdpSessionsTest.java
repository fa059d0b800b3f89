package dev.corvus.dns.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class UdpSessionsTest {

  private static final long SECOND = 1_000_000_000L;
  private static final InetSocketAddress BALANCER = new InetSocketAddress("127.0.0.1", 40000);
  private static final InetSocketAddress CLIENT = new InetSocketAddress("203.0.113.7", 4242);

  @Test
  void aSessionLastsItsTtlFromTheLastDatagramThatUsedIt() {
    UdpSessions sessions = new UdpSessions();
    sessions.remember(BALANCER, CLIENT, 0, 28 * SECOND, 10);
    assertEquals(CLIENT, sessions.client(BALANCER, 20 * SECOND, 28 * SECOND));
    assertEquals(CLIENT, sessions.client(BALANCER, 47 * SECOND, 28 * SECOND), "refreshed at 20 s");
    assertNull(sessions.client(BALANCER, 75 * SECOND, 28 * SECOND), "expired 28 s after 47 s");
    assertEquals(0, sessions.size());
    assertNull(sessions.client(new InetSocketAddress("127.0.0.1", 40001), 0, SECOND), "another balancer port");
  }

  @Test
  void theLeastRecentlyUsedSessionGoesBeyondTheCap() {
    UdpSessions sessions = new UdpSessions();
    InetSocketAddress second = new InetSocketAddress("127.0.0.1", 40001);
    InetSocketAddress third = new InetSocketAddress("127.0.0.1", 40002);
    sessions.remember(BALANCER, CLIENT, 0, SECOND, 2);
    sessions.remember(second, CLIENT, 0, SECOND, 2);
    sessions.client(BALANCER, 1, SECOND);
    sessions.remember(third, CLIENT, 2, SECOND, 2);
    assertEquals(2, sessions.size());
    assertNull(sessions.client(second, 3, SECOND));
    assertEquals(CLIENT, sessions.client(BALANCER, 3, SECOND));
  }
}
