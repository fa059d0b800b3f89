package dev.corvus.dns.api;

import dev.corvus.dns.api.io.IoLoop;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.Message;

/**
 * The context of a query a handler starts on its own behalf ({@link Request#detached()}): it has
 * attributes of its own and the loop of the query it came from, and nothing is ever written for
 * it, so its listeners are never called and no wire form is used.
 */
final class DetachedContext implements QueryContext {

  private final long startNanos;
  private final IoLoop loop;
  private final Map<Key<?>, Object> attributes = new ConcurrentHashMap<>(4);

  DetachedContext(long startNanos, IoLoop loop) {
    this.startNanos = startNanos;
    this.loop = loop;
  }

  @Override
  public long startNanos() {
    return startNanos;
  }

  @Override
  public boolean explaining() {
    return false;
  }

  @Override
  public boolean overloaded() {
    return false;
  }

  @Override
  public String respondedBy() {
    return "";
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T get(Key<T> key) {
    return (T) attributes.get(key);
  }

  @Override
  public <T> void put(Key<T> key, T value) {
    attributes.put(key, value);
  }

  @Override
  public void onWritten(ResponseListener listener) {
    // Nothing is written for a detached query.
  }

  @Override
  public Optional<String> metadata(String label) {
    return Optional.empty();
  }

  @Override
  public IoLoop loop() {
    return loop;
  }

  @Override
  public void offerWireForm(Message response, byte[] wire) {
    // Nothing is written for a detached query.
  }
}
