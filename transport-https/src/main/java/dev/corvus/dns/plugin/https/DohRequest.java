package dev.corvus.dns.plugin.https;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AsciiString;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;

/**
 * An HTTP request read as RFC 8484 DNS-over-HTTPS: the DNS query it carries, or the HTTP status
 * that rejects it. The same rules for HTTP/1.1, HTTP/2 and HTTP/3.
 *
 * @param query the query's wire form (a view of the request's body for POST); valid while the
 *     request is
 * @param status the error status when there is no query, else {@code null}
 * @param reason a short explanation sent as the error's body
 */
public record DohRequest(ByteBuffer query, HttpResponseStatus status, String reason) {

  /** RFC 8484 §6. */
  public static final AsciiString MEDIA_TYPE = AsciiString.cached("application/dns-message");
  /** The largest DNS message (its TCP length prefix is two bytes). */
  public static final int MAX_MESSAGE = 65535;
  /** Base64url of {@link #MAX_MESSAGE} bytes, without padding. */
  private static final int MAX_BASE64 = (MAX_MESSAGE * 8 + 5) / 6;

  private static DohRequest reject(HttpResponseStatus status, String reason) {
    return new DohRequest(null, status, reason);
  }

  /**
   * Reads {@code request}: {@code GET path?dns=BASE64URL} or {@code POST path} with an {@code
   * application/dns-message} body. 404 for another path, 405 for another method, 415 for another
   * content type, 400 for a {@code dns} parameter that is missing, repeated, not base64url without
   * padding, or for a body or parameter that is not a DNS query.
   */
  public static DohRequest read(FullHttpRequest request, String path) {
    return read(request.method().asciiName(), request.uri(), request.headers().get(HttpHeaderNames.CONTENT_TYPE),
        request.content(), path);
  }

  /**
   * Reads a request given by its parts (HTTP/2's pseudo-headers), as {@link #read(FullHttpRequest,
   * String)}.
   *
   * @param method the request's method
   * @param uri the request's path and query ({@code :path})
   * @param contentType its {@code content-type} header, or {@code null}
   * @param body its body, empty when it has none; the query of a POST is a view of it
   * @param path the URL path of queries
   */
  public static DohRequest read(CharSequence method, CharSequence uri, CharSequence contentType, ByteBuf body,
      String path) {
    boolean get = HttpMethod.GET.asciiName().contentEquals(method);
    if (get) {
      DohRequest plain = plainGet(uri, path);
      if (plain != null) {
        return plain;
      }
    }
    QueryStringDecoder decoder = new QueryStringDecoder(uri.toString());
    try {
      decoder.parameters(); // decodes the path and the parameters
    } catch (IllegalArgumentException e) {
      return reject(HttpResponseStatus.BAD_REQUEST, "malformed URL: " + e.getMessage());
    }
    if (!decoder.path().equals(path)) {
      return reject(HttpResponseStatus.NOT_FOUND, "not found; DNS queries go to " + path);
    }
    ByteBuffer wire;
    if (get) {
      List<String> values = decoder.parameters().get("dns");
      if (values == null || values.size() != 1) {
        return reject(HttpResponseStatus.BAD_REQUEST, values == null
            ? "no 'dns' query parameter" : "more than one 'dns' query parameter");
      }
      String encoded = values.get(0);
      if (encoded.length() > MAX_BASE64 || encoded.indexOf('=') >= 0) {
        return reject(HttpResponseStatus.BAD_REQUEST, "'dns' is not a DNS message in base64url without padding");
      }
      try {
        wire = ByteBuffer.wrap(Base64.getUrlDecoder().decode(encoded));
      } catch (IllegalArgumentException e) {
        return reject(HttpResponseStatus.BAD_REQUEST, "'dns' is not base64url: " + e.getMessage());
      }
    } else if (HttpMethod.POST.asciiName().contentEquals(method)) {
      if (contentType == null || !MEDIA_TYPE.contentEqualsIgnoreCase(mediaType(contentType))) {
        return reject(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "the body must be " + MEDIA_TYPE);
      }
      if (body.readableBytes() > MAX_MESSAGE) {
        return reject(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "a DNS message is at most 65535 bytes");
      }
      wire = body.nioBuffer();
    } else {
      return reject(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET and POST");
    }
    return checked(wire);
  }

  private static DohRequest checked(ByteBuffer wire) {
    if (!DnsWire.isQuery(wire)) {
      return reject(HttpResponseStatus.BAD_REQUEST, "not a DNS query");
    }
    return new DohRequest(wire, null, null);
  }

  /**
   * What every DoH client sends, {@code PATH?dns=BASE64URL} with nothing to percent-decode, read
   * without building the parameter map and its strings; {@code null} for any other form, which
   * the general reading handles (with the same outcome for this one).
   */
  private static DohRequest plainGet(CharSequence uri, String path) {
    int start = path.length() + DNS_PARAMETER.length();
    int length = uri.length() - start;
    if (length <= 0 || length > MAX_BASE64 || !startsWith(uri, path) || !startsWith(uri, path.length(), DNS_PARAMETER)) {
      return null;
    }
    byte[] encoded = new byte[length];
    for (int i = 0; i < length; i++) {
      char c = uri.charAt(start + i);
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
        return null;
      }
      encoded[i] = (byte) c;
    }
    try {
      return checked(ByteBuffer.wrap(Base64.getUrlDecoder().decode(encoded)));
    } catch (IllegalArgumentException e) {
      return reject(HttpResponseStatus.BAD_REQUEST, "'dns' is not base64url: " + e.getMessage());
    }
  }

  private static final String DNS_PARAMETER = "?dns=";

  private static boolean startsWith(CharSequence text, CharSequence prefix) {
    return startsWith(text, 0, prefix);
  }

  private static boolean startsWith(CharSequence text, int offset, CharSequence prefix) {
    if (text.length() < offset + prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (text.charAt(offset + i) != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** The media type without parameters ({@code application/dns-message; charset=x}). */
  private static CharSequence mediaType(CharSequence header) {
    String value = header.toString();
    int semicolon = value.indexOf(';');
    return (semicolon < 0 ? value : value.substring(0, semicolon)).trim();
  }
}
