package dev.corvus.dns.plugin.https;

import dev.corvus.dns.api.listener.QueryService.ResponseSink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * DNS over HTTPS on one HTTP/2 connection, answered on the connection itself: the frames of a
 * request are read by Netty's connection codec and answered by this handler, without a child
 * channel, pipeline, HTTP/1 message conversion or aggregation per stream (which were most of the
 * listener's time per request). The answers to the requests of one read are written and then
 * flushed together when the read ends (one TLS record and one {@code send()} for many); an answer
 * completing later is flushed with the others that complete before its loop runs again.
 *
 * <p>Same rules as {@link DohHandler}: {@link DohRequest} reads the request, bodies are at most
 * {@link DohRequest#MAX_MESSAGE} bytes ({@code 413}), a stream whose request is not whole within
 * the service's deadline is reset, {@code 503} once the service stops.
 */
final class Doh2Handler extends Http2ConnectionHandler {

  private static final AsciiString STATUS_200 = HttpResponseStatus.OK.codeAsText();
  private static final AsciiString ALLOWED = AsciiString.cached("GET, POST");
  /** {@code max-age=N} for the usual TTLs, built once. */
  private static final AsciiString[] MAX_AGE = new AsciiString[601];

  static {
    for (int i = 0; i < MAX_AGE.length; i++) {
      MAX_AGE[i] = AsciiString.cached("max-age=" + i);
    }
  }

  private final DohService service;
  private final Function<Channel, InetSocketAddress> clientOf;
  private final Http2Connection.PropertyKey partialKey;
  /** Requests whose body is still arriving, oldest first (their deadlines in the same order). */
  private final ArrayDeque<Partial> partials = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private InetSocketAddress client;
  private InetSocketAddress local;
  private boolean reading;
  private boolean flushQueued;
  private ScheduledFuture<?> sweep;
  private final Runnable flushTask = this::flushQueued;

  /** A request whose headers came and whose body has not ended yet. */
  private static final class Partial {
    final int streamId;
    final Http2Headers headers;
    final long deadline;
    ByteBuf body;
    boolean done;
    /** Answered {@code 413}: the rest of the body is dropped. */
    boolean discarding;

    Partial(int streamId, Http2Headers headers, long deadline) {
      this.streamId = streamId;
      this.headers = headers;
      this.deadline = deadline;
    }

    void finish() {
      done = true;
      if (body != null) {
        body.release();
        body = null;
      }
    }
  }

  private Doh2Handler(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings,
      DohService service, Function<Channel, InetSocketAddress> clientOf) {
    super(decoder, encoder, settings);
    this.service = service;
    this.clientOf = clientOf;
    this.partialKey = connection().newKey();
    connection().addListener(new Http2ConnectionAdapter() {
      @Override
      public void onStreamRemoved(Http2Stream stream) {
        Partial partial = stream.removeProperty(partialKey);
        if (partial != null) {
          partial.finish(); // reset by the client or the connection closed mid-request
        }
      }
    });
  }

  /**
   * A handler for a new connection.
   *
   * @param clientOf the client's address for the connection (its peer, or the client a PROXY
   *     header named)
   */
  static Doh2Handler create(DohService service, Http2Settings settings, Function<Channel, InetSocketAddress> clientOf) {
    return new Builder(service, clientOf).initialSettings(settings).build();
  }

  private static final class Builder extends AbstractHttp2ConnectionHandlerBuilder<Doh2Handler, Builder> {
    private final DohService service;
    private final Function<Channel, InetSocketAddress> clientOf;

    Builder(DohService service, Function<Channel, InetSocketAddress> clientOf) {
      this.service = service;
      this.clientOf = clientOf;
      server(true);
    }

    @Override
    protected Doh2Handler build() {
      return super.build();
    }

    @Override
    protected Builder initialSettings(Http2Settings settings) {
      return super.initialSettings(settings);
    }

    @Override
    protected Doh2Handler build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings) {
      Doh2Handler handler = new Doh2Handler(decoder, encoder, settings, service, clientOf);
      frameListener(handler.new Frames());
      return handler;
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    this.ctx = ctx;
    super.handlerAdded(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    reading = true;
    super.channelRead(ctx, msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    reading = false;
    super.channelReadComplete(ctx); // flushes what the read's requests wrote
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (sweep != null) {
      sweep.cancel(false);
      sweep = null;
    }
    super.channelInactive(ctx);
  }

  /** The frames of the connection's streams. */
  private final class Frames extends Http2FrameAdapter {
    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
        boolean endOfStream) {
      Http2Stream stream = connection().stream(streamId);
      Partial partial = stream == null ? null : stream.getProperty(partialKey);
      if (partial != null) {
        // Trailers: they end the request (RFC 9113 §8.1); their fields are not read.
        if (endOfStream && partial.discarding) {
          stream.removeProperty(partialKey);
          partial.done = true;
          dropFinished();
        } else if (endOfStream) {
          complete(stream, partial);
        }
        return;
      }
      if (endOfStream) {
        request(streamId, headers, Unpooled.EMPTY_BUFFER);
        return;
      }
      if (stream == null) {
        return;
      }
      partial = new Partial(streamId, headers, System.nanoTime() + service.requestDeadline().toNanos());
      stream.setProperty(partialKey, partial);
      partials.add(partial);
      if (sweep == null) {
        scheduleSweep(partial.deadline);
      }
      CharSequence length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
      if (length != null && tooLong(length)) {
        tooLarge(partial);
      }
    }
    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
        short weight, boolean exclusive, int padding, boolean endOfStream) {
      onHeadersRead(ctx, streamId, headers, padding, endOfStream);
    }

    @Override
    public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
      int consumed = data.readableBytes() + padding; // returned to the flow controller in every case
      Http2Stream stream = connection().stream(streamId);
      Partial partial = stream == null ? null : stream.getProperty(partialKey);
      if (partial == null || partial.done) {
        return consumed;
      }
      if (partial.discarding) {
        if (endOfStream) {
          stream.removeProperty(partialKey);
          partial.done = true;
          dropFinished();
        }
        return consumed; // answered 413 already
      }
      int size = (partial.body == null ? 0 : partial.body.readableBytes()) + data.readableBytes();
      if (size > DohRequest.MAX_MESSAGE) {
        tooLarge(partial);
        return consumed;
      }
      if (data.isReadable()) {
        if (partial.body == null) {
          partial.body = ctx.alloc().buffer(endOfStream ? data.readableBytes() : 512);
        }
        partial.body.writeBytes(data);
      }
      if (endOfStream) {
        complete(stream, partial);
      }
      return consumed;
    }
  }

  private static boolean tooLong(CharSequence contentLength) {
    try {
      return Long.parseLong(contentLength.toString().trim()) > DohRequest.MAX_MESSAGE;
    } catch (NumberFormatException e) {
      return false; // the body's real size decides
    }
  }

  private void complete(Http2Stream stream, Partial partial) {
    stream.removeProperty(partialKey);
    ByteBuf body = partial.body == null ? Unpooled.EMPTY_BUFFER : partial.body;
    partial.body = null;
    partial.done = true;
    dropFinished();
    try {
      request(partial.streamId, partial.headers, body);
    } finally {
      body.release();
    }
  }

  /** Requests end in about the order they started: the queue keeps only those still arriving. */
  private void dropFinished() {
    while (!partials.isEmpty() && partials.peek().done) {
      partials.poll();
    }
  }

  /**
   * {@code 413}. The rest of the body is read and dropped (a reset would make clients report a
   * stream error instead of the status); a stream still sending at the deadline is reset.
   */
  private void tooLarge(Partial partial) {
    partial.finish();
    partial.done = false;
    partial.discarding = true;
    writeError(partial.streamId, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "a DNS message is at most 65535 bytes");
  }

  /** One whole request: its body is valid during this call only. */
  private void request(int streamId, Http2Headers headers, ByteBuf body) {
    if (service.stopped()) {
      writeError(streamId, HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting down");
      return;
    }
    CharSequence method = headers.method();
    CharSequence path = headers.path();
    if (method == null || path == null) {
      writeError(streamId, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request");
      return;
    }
    DohRequest doh = DohRequest.read(method, path, headers.get(HttpHeaderNames.CONTENT_TYPE), body, service.path());
    if (doh.status() != null) {
      writeError(streamId, doh.status(), doh.reason());
      return;
    }
    if (client == null) {
      client = clientOf.apply(ctx.channel());
      local = (InetSocketAddress) ctx.channel().localAddress();
    }
    service.queries().query(doh.query(), client, local, service.transport(), new ResponseSink() {
      @Override
      public void respond(byte[] wire) {
        if (ctx.executor().inEventLoop()) {
          writeAnswer(streamId, wire);
        } else {
          ctx.executor().execute(() -> writeAnswer(streamId, wire));
        }
      }

      @Override
      public void drop() {
        // CoreDNS: 500 when the chain wrote nothing (RFC 8484 §4.2.1 leaves the code open).
        if (ctx.executor().inEventLoop()) {
          writeError(streamId, HttpResponseStatus.INTERNAL_SERVER_ERROR, "no response");
        } else {
          ctx.executor().execute(() -> writeError(streamId, HttpResponseStatus.INTERNAL_SERVER_ERROR, "no response"));
        }
      }
    });
  }

  private void writeAnswer(int streamId, byte[] wire) {
    int ttl = DnsWire.minimalTtl(wire);
    Http2Headers headers = new DefaultHttp2Headers(false, 4)
        .status(STATUS_200)
        .set(HttpHeaderNames.CONTENT_TYPE, DohRequest.MEDIA_TYPE)
        .set(HttpHeaderNames.CACHE_CONTROL, ttl < MAX_AGE.length ? MAX_AGE[ttl] : new AsciiString("max-age=" + ttl))
        .setInt(HttpHeaderNames.CONTENT_LENGTH, wire.length);
    write(streamId, HttpResponseStatus.OK, headers, Unpooled.wrappedBuffer(wire));
  }

  /** An error with a one-line text body: what was wrong, never an exception. */
  private void writeError(int streamId, HttpResponseStatus status, String reason) {
    ByteBuf body = Unpooled.copiedBuffer(status.code() + " " + reason + "\n", StandardCharsets.UTF_8);
    Http2Headers headers = new DefaultHttp2Headers(false, 4)
        .status(status.codeAsText())
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    if (status.equals(HttpResponseStatus.METHOD_NOT_ALLOWED)) {
      headers.set(HttpHeaderNames.ALLOW, ALLOWED);
    }
    write(streamId, status, headers, body);
  }

  private void write(int streamId, HttpResponseStatus status, Http2Headers headers, ByteBuf body) {
    service.count(status);
    Http2Stream stream = connection().stream(streamId);
    if (stream == null || !ctx.channel().isActive()) {
      body.release(); // the client reset the stream or went away before its answer
      return;
    }
    encoder().writeHeaders(ctx, streamId, headers, 0, false, ctx.newPromise());
    encoder().writeData(ctx, streamId, body, 0, true, ctx.newPromise());
    if (!reading && !flushQueued) {
      // Outside a read (an answer that completed later): one flush for all that complete
      // before the loop comes back to its tasks.
      flushQueued = true;
      ctx.executor().execute(flushTask);
    }
  }

  private void flushQueued() {
    flushQueued = false;
    flush(ctx);
  }

  private void scheduleSweep(long deadline) {
    sweep = ctx.executor().schedule(this::sweep, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  /** Resets the streams whose request did not end within the deadline. */
  private void sweep() {
    sweep = null;
    long now = System.nanoTime();
    boolean reset = false;
    while (!partials.isEmpty()) {
      Partial oldest = partials.peek();
      if (oldest.done) {
        partials.poll();
      } else if (oldest.deadline - now <= 0) {
        partials.poll();
        Http2Stream stream = connection().stream(oldest.streamId);
        if (stream != null) {
          stream.removeProperty(partialKey);
        }
        oldest.finish();
        resetStream(ctx, oldest.streamId, Http2Error.CANCEL.code(), ctx.newPromise());
        reset = true;
      } else {
        scheduleSweep(oldest.deadline);
        break;
      }
    }
    if (reset) {
      flush(ctx);
    }
  }
}
