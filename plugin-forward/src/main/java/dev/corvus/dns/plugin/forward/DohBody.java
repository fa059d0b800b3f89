package dev.corvus.dns.plugin.forward;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * The body of a DoH response, read into memory up to the size of a DNS message (65,535 bytes):
 * a response whose {@code content-length} says more, or whose body grows beyond it, fails with
 * {@link TooLarge} and its connection's stream is cancelled. CoreDNS reads at most 65,536 bytes of
 * a DoH body too (plugin/pkg/doh). Shared by the forwarding path ({@link DohClient}) and {@code
 * corvus doctor} ({@link BlockingProbe}).
 */
final class DohBody implements HttpResponse.BodySubscriber<byte[]> {

  /** The largest DNS message (RFC 1035 §4.2.2: a 16-bit length). */
  static final int MAX = 65535;

  private final String upstream;
  private final long declared;
  private final CompletableFuture<byte[]> body = new CompletableFuture<>();
  private byte[] buffer = new byte[512];
  private int size;
  private Flow.Subscription subscription;

  private DohBody(String upstream, long declared) {
    this.upstream = upstream;
    this.declared = declared;
  }

  /** A handler for the responses of {@code upstream} (its label, named in the failure). */
  static HttpResponse.BodyHandler<byte[]> handler(String upstream) {
    return info -> {
      OptionalLong length = info.headers().firstValueAsLong("content-length");
      return new DohBody(upstream, length.orElse(-1));
    };
  }

  /** A DoH response body longer than a DNS message. */
  static final class TooLarge extends UpstreamException {
    private static final long serialVersionUID = 1L;

    TooLarge(String upstream, long length) {
      super(upstream + ": DoH answer is longer than " + MAX + " bytes (" + length + "+), the most a DNS message has");
    }
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    if (declared > MAX) {
      subscription.cancel();
      body.completeExceptionally(new TooLarge(upstream, declared));
      return;
    }
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (body.isDone()) {
      return;
    }
    for (ByteBuffer item : items) {
      int length = item.remaining();
      if ((long) size + length > MAX) {
        subscription.cancel();
        body.completeExceptionally(new TooLarge(upstream, (long) size + length));
        return;
      }
      if (size + length > buffer.length) {
        buffer = Arrays.copyOf(buffer, Math.min(MAX, Math.max(buffer.length * 2, size + length)));
      }
      item.get(buffer, size, length);
      size += length;
    }
  }

  @Override
  public void onError(Throwable error) {
    body.completeExceptionally(error);
  }

  @Override
  public void onComplete() {
    body.complete(Arrays.copyOf(buffer, size));
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return body;
  }
}
