package dev.corvus.dns.plugin.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.internal.CertUtils;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.utils.Utils;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Locale;
import javax.net.ssl.KeyManager;
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
   * configuration (timeouts, proxy, interceptors, HTTP/1.1) and then the TLS of
   * {@link ApiServerTls#of} replaces what fabric8 made, always, in this one method.
   */
  static final class Factory extends JdkHttpClientFactory {

    @Override
    public HttpClient.Builder newBuilder(Config config) {
      // Read before fabric8 is told to trust everything below: the user's settings decide.
      ApiServerTls tls = of(config);
      Boolean asked = config.getTrustCerts();
      // fabric8 makes its trust managers from the configuration before anything can intervene;
      // told to trust every certificate it makes one object instead of loading cacerts. That
      // trust manager does not survive this method: sslContext below replaces it.
      config.setTrustCerts(Boolean.TRUE);
      HttpClient.Builder builder;
      try {
        builder = super.newBuilder(config);
      } finally {
        config.setTrustCerts(asked);
      }
      return builder.sslContext(tls.keyManagers(), tls.trustManagers());
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
