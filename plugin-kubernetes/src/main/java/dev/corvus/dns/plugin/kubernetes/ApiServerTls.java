package dev.corvus.dns.plugin.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.http.StandardHttpClientBuilder;
import io.fabric8.kubernetes.client.http.TlsVersion;
import io.fabric8.kubernetes.client.internal.CertUtils;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.utils.HttpClientUtils;
import io.fabric8.kubernetes.client.utils.Utils;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * What the client to the API server trusts and presents over TLS, taken as client-go takes its
 * {@code rest.Config}: a named CA ({@code tls}'s CACERT, a kubeconfig's
 * {@code certificate-authority}/{@code -data}, the pod's service account {@code ca.crt}) is the
 * only trust, every certificate of its PEM a root; without one, the JDK's default trust; over
 * {@code http://}, no trust at all. A kubeconfig's {@code insecure-skip-tls-verify: true} (and
 * fabric8's own {@code kubernetes.trust.certificates}) trusts every certificate, as fabric8 does,
 * since the user asked for it; a trust store named with fabric8's {@code kubernetes.truststore.file}
 * is fabric8's business too. The client certificate and key are fabric8's, as before.
 *
 * <p>fabric8 itself loads the JDK's {@code cacerts} (about 140 public roots) for every client,
 * also when it adds a CA to it or the URL is {@code http://}: about 40 ms of the main thread's CPU
 * while the client is built and 1.1 MiB of heap kept by its trust manager. {@link Factory} keeps it
 * from doing so. (The JDK still reads {@code cacerts} once, at the first handshake that checks a
 * host name, to know which roots are public: {@code AnchorCertificates}; it keeps only digests.)
 *
 * @param keyManagers the client certificate, or {@code null} for none
 * @param trustManagers what server certificates are accepted
 * @param trust which case applies, for the tests: {@code ca}, {@code jdk-default}, {@code none (http)},
 *     {@code insecure}, {@code trust-store}
 */
record ApiServerTls(KeyManager[] keyManagers, TrustManager[] trustManagers, String trust) {

  /**
   * Reads the trust and the client certificate {@code config} names.
   *
   * @throws KubernetesClientException if a CA or key file cannot be read or holds no certificate
   */
  static ApiServerTls of(Config config) {
    try {
      String url = config.getMasterUrl();
      if (url != null && url.toLowerCase(Locale.ROOT).startsWith("http://")) {
        // No TLS is spoken: nothing to load. A redirect to https:// is refused rather than
        // trusted on material nobody configured.
        return new ApiServerTls(null, new TrustManager[] {new RefuseAll()}, "none (http)");
      }
      KeyManager[] keys = SSLUtils.keyManagers(config);
      if (config.isTrustCerts()) {
        return new ApiServerTls(keys, SSLUtils.trustManagers(config), "insecure");
      }
      if (Utils.isNotNullOrEmpty(config.getTrustStoreFile())) {
        return new ApiServerTls(keys, SSLUtils.trustManagers(config), "trust-store");
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (Utils.isNotNullOrEmpty(config.getCaCertData()) || Utils.isNotNullOrEmpty(config.getCaCertFile())) {
        factory.init(caOnly(config));
        return new ApiServerTls(keys, factory.getTrustManagers(), "ca");
      }
      // client-go: no CA named, the system's roots; here the JDK's (javax.net.ssl.trustStore).
      factory.init((KeyStore) null);
      return new ApiServerTls(keys, factory.getTrustManagers(), "jdk-default");
    } catch (IOException | GeneralSecurityException e) {
      throw KubernetesClientException.launderThrowable(e);
    }
  }

  /** A key store holding every certificate of the configured CA (data before file, as fabric8). */
  private static KeyStore caOnly(Config config) throws IOException, GeneralSecurityException {
    Collection<? extends Certificate> certificates;
    try (InputStream pem = CertUtils.getInputStreamFromDataOrFile(config.getCaCertData(), config.getCaCertFile())) {
      certificates = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(pem);
    }
    String source = Utils.isNotNullOrEmpty(config.getCaCertData()) ? "the CA data" : "CA file " + config.getCaCertFile();
    if (certificates.isEmpty()) {
      throw new CertificateException(source + " holds no certificate");
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    int i = 0;
    for (Certificate certificate : certificates) {
      store.setCertificateEntry("ca-" + i++, certificate);
    }
    return store;
  }

  /**
   * The JDK HTTP client factory of the plugin's fabric8 clients: fabric8 applies the
   * configuration (timeouts, proxy, interceptors, HTTP/1.1), and the TLS of {@link
   * ApiServerTls#of} is the one SSL context the client gets. fabric8's own context is never made:
   * {@link HttpClient.Factory#newBuilder(Config)} would build one from its trust managers (JSSE's
   * provider, its cipher suite tables: about 45 ms of the main thread's CPU at start) only for
   * this factory to replace it. Over {@code http://} the JDK client gets {@link #NO_TLS} instead of
   * a JSSE context, so a plain-HTTP API server loads no TLS code at all.
   */
  static final class Factory extends JdkHttpClientFactory {

    /** Set by {@link #newBuilder(Config)} for the JDK builder ({@link #additionalConfig}). */
    private volatile SSLContext plainHttp;

    @Override
    public HttpClient.Builder newBuilder(Config config) {
      // Read before fabric8 is told to trust everything below: the user's settings decide.
      ApiServerTls tls = of(config);
      Boolean asked = config.getTrustCerts();
      // fabric8 makes its trust managers from the configuration before anything can intervene;
      // told to trust every certificate it makes one object instead of loading cacerts. Those
      // trust managers reach only TlsLast, which drops them.
      config.setTrustCerts(Boolean.TRUE);
      HttpClient.Builder builder = newBuilder();
      try {
        // What HttpClient.Factory#newBuilder(Config) does, with the builder's TLS held back.
        HttpClientUtils.applyCommonConfiguration(config, new TlsLast(builder), this);
      } finally {
        config.setTrustCerts(asked);
      }
      if (tls.plainHttp()) {
        plainHttp = NO_TLS;
        return builder;
      }
      plainHttp = null;
      return builder.sslContext(tls.keyManagers(), tls.trustManagers());
    }

    @Override
    protected void additionalConfig(java.net.http.HttpClient.Builder builder) {
      SSLContext context = plainHttp;
      if (context != null) {
        // Without one the JDK client would take SSLContext.getDefault(): cacerts and JSSE.
        builder.sslContext(context);
      }
    }
  }

  /** {@code true} for an {@code http://} API server: no TLS is spoken. */
  boolean plainHttp() {
    return "none (http)".equals(trust);
  }

  /**
   * The SSL context of a client whose API server is {@code http://}: it makes no engine or
   * socket, so a redirect to {@code https://} fails instead of trusting material nobody
   * configured (as {@link RefuseAll} would refuse its certificate), and it needs nothing of JSSE.
   * The JDK client asks it only for its default parameters when it is built.
   */
  static final SSLContext NO_TLS = new SSLContext(new NoTlsSpi(), null, "none") {};

  private static final class NoTlsSpi extends SSLContextSpi {

    /** As the JDK's own context refuses before it is initialised: the state allows no TLS. */
    private static IllegalStateException refused() {
      return new IllegalStateException("the API server URL is http://: no TLS is configured");
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) {}

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      throw refused();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      throw refused();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      throw refused();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      throw refused();
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      throw refused();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      throw refused();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return new SSLParameters(new String[0], new String[0]);
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return new SSLParameters(new String[0], new String[0]);
    }
  }

  /**
   * A fabric8 builder that passes everything on except the TLS fabric8 would set: the factory
   * sets its own afterwards ({@link StandardHttpClientBuilder}'s {@code sslContext} builds a JSSE
   * context on the spot).
   */
  private record TlsLast(HttpClient.Builder builder) implements HttpClient.Builder {

    @Override
    public HttpClient build() {
      throw new IllegalStateException("built by the factory's caller");
    }

    @Override
    public HttpClient.Builder sslContext(KeyManager[] keyManagers, TrustManager[] trustManagers) {
      return this;
    }

    @Override
    public HttpClient.Builder connectTimeout(long connectTimeout, TimeUnit unit) {
      builder.connectTimeout(connectTimeout, unit);
      return this;
    }

    @Override
    public HttpClient.Builder addOrReplaceInterceptor(String name, Interceptor interceptor) {
      builder.addOrReplaceInterceptor(name, interceptor);
      return this;
    }

    @Override
    public HttpClient.Builder authenticatorNone() {
      builder.authenticatorNone();
      return this;
    }

    @Override
    public HttpClient.Builder followAllRedirects() {
      builder.followAllRedirects();
      return this;
    }

    @Override
    public HttpClient.Builder proxyAddress(InetSocketAddress proxyAddress) {
      builder.proxyAddress(proxyAddress);
      return this;
    }

    @Override
    public HttpClient.Builder proxyAuthorization(String credentials) {
      builder.proxyAuthorization(credentials);
      return this;
    }

    @Override
    public HttpClient.Builder tlsVersions(TlsVersion... tlsVersions) {
      builder.tlsVersions(tlsVersions);
      return this;
    }

    @Override
    public HttpClient.Builder preferHttp11() {
      builder.preferHttp11();
      return this;
    }

    @Override
    public HttpClient.Builder proxyType(HttpClient.ProxyType type) {
      builder.proxyType(type);
      return this;
    }

    @Override
    public HttpClient.DerivedClientBuilder tag(Object value) {
      builder.tag(value);
      return this;
    }
  }

  /**
   * Trust for a client that speaks no TLS: any certificate is refused. A plain {@link
   * X509TrustManager}: the JDK adds its socket and engine checks around it, after this refusal.
   */
  private static final class RefuseAll implements X509TrustManager {

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("the API server URL is http://: no TLS trust is configured");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
