package dev.corvus.dns.plugin.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.util.Context;
import reactor.core.publisher.Mono;

/**
 * The SDK's adapter to the JDK's {@code java.net.http} client, without the {@code Content-Length}
 * header the SDK sets on requests without a body (every listing page): the JDK client refuses it
 * as restricted, and the adapter would log a warning for each. A request with a body (a token
 * request, about once an hour) keeps it: the adapter sizes the body from it, and would send it
 * chunked otherwise.
 */
final class JdkHttp implements HttpClient {

  private final HttpClient jdk = new JdkHttpClientBuilder().build();

  @Override
  public Mono<HttpResponse> send(HttpRequest request) {
    return jdk.send(withoutContentLength(request));
  }

  @Override
  public Mono<HttpResponse> send(HttpRequest request, Context context) {
    return jdk.send(withoutContentLength(request), context);
  }

  @Override
  public HttpResponse sendSync(HttpRequest request, Context context) {
    return jdk.sendSync(withoutContentLength(request), context);
  }

  private static HttpRequest withoutContentLength(HttpRequest request) {
    if (request.getBodyAsBinaryData() == null) {
      request.getHeaders().remove(HttpHeaderName.CONTENT_LENGTH);
    }
    return request;
  }
}
