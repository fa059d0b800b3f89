package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.config.TlsFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JDK TLS context of one DNS over HTTPS upstream: the {@code tls} option's client certificate
 * and CA (the JDK's trust store without one), and a certificate check against one name.
 *
 * <p>The JDK's HTTP client verifies the certificate against the URI's host, here the upstream's IP
 * address, and when a server name is sent as SNI it accepts a certificate for either. CoreDNS (Go)
 * verifies against {@code tls_servername} alone when it is set, so the check here is done by {@link
 * NameCheckingTrustManager}: the chain by the JDK's trust manager, the name ({@code tls_servername},
 * the upstream's {@code %NAME}, else its IP address) against the certificate's subject alternative
 * names (RFC 6125 §6.4, a wildcard standing for one whole leftmost label). Creating the engines
 * with the expected name as peer host would make the JDK check that name alone, but its check
 * falls back to the subject's CN when the certificate has no DNS name, which Go (since 1.15) does
 * not: {@code DohTlsHandshakeTest} shows the difference, so the check stays here.
 */
final class DohTls {

  private DohTls() {}

  /**
   * @param expectedName the DNS name or IP address literal the certificate must carry
   * @param onConnection runs each time the HTTP client opens a TLS connection (creates an engine)
   */
  static SSLContext context(TlsFiles files, String expectedName, Runnable onConnection)
      throws IOException, GeneralSecurityException {
    KeyManager[] keys = ProbeTls.keyManagers(files);
    X509ExtendedTrustManager trust = new NameCheckingTrustManager(ProbeTls.trustManager(files), expectedName);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys, new TrustManager[] {trust}, null);
    return new CountingContext(context, onConnection);
  }

  /** Whether {@code certificate} names {@code expected}, a DNS name or an IP address literal. */
  static boolean names(X509Certificate certificate, String expected) throws CertificateParsingException {
    Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
    if (alternatives == null) {
      return false;
    }
    InetAddress ip = ipLiteral(expected);
    for (List<?> alternative : alternatives) {
      int type = (Integer) alternative.get(0);
      if (!(alternative.get(1) instanceof String value)) {
        continue;
      }
      if (ip != null && type == 7 && ip.equals(ipLiteral(value))) {
        return true;
      }
      if (ip == null && type == 2 && dnsNameMatches(value, expected)) {
        return true;
      }
    }
    return false;
  }

  private static InetAddress ipLiteral(String text) {
    try {
      return Names.parseAddressLiteral(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** RFC 6125 §6.4.3: a {@code *} matches exactly one whole leftmost label. */
  static boolean dnsNameMatches(String pattern, String name) {
    String p = withoutDot(pattern).toLowerCase(Locale.ROOT);
    String n = withoutDot(name).toLowerCase(Locale.ROOT);
    if (p.startsWith("*.")) {
      int dot = n.indexOf('.');
      return dot > 0 && n.substring(dot).equals(p.substring(1));
    }
    return p.equals(n);
  }

  private static String withoutDot(String name) {
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }

  /** The JDK's chain validation, then the name check of {@link DohTls}. */
  static final class NameCheckingTrustManager extends X509ExtendedTrustManager {

    private final X509ExtendedTrustManager chain;
    private final String expectedName;

    NameCheckingTrustManager(X509ExtendedTrustManager chain, String expectedName) {
      this.chain = chain;
      this.expectedName = expectedName;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
      chain.checkServerTrusted(certificates, authType);
      if (certificates.length == 0 || !names(certificates[0], expectedName)) {
        throw new CertificateException(
            "the upstream's certificate is not valid for " + expectedName + " (tls_servername or %NAME)");
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certificates, String authType, Socket socket)
        throws CertificateException {
      checkServerTrusted(certificates, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certificates, String authType, SSLEngine engine)
        throws CertificateException {
      checkServerTrusted(certificates, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
      throw new CertificateException("a DNS over HTTPS client does not accept clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certificates, String authType, Socket socket)
        throws CertificateException {
      checkClientTrusted(certificates, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certificates, String authType, SSLEngine engine)
        throws CertificateException {
      checkClientTrusted(certificates, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return chain.getAcceptedIssuers();
    }
  }

  /**
   * A context that reports each engine it creates: the HTTP client creates one per TLS connection,
   * which is how the connection cache metrics tell a new connection from a reused one.
   */
  private static final class CountingContext extends SSLContext {
    CountingContext(SSLContext delegate, Runnable onEngine) {
      super(new CountingSpi(delegate, onEngine), delegate.getProvider(), delegate.getProtocol());
    }
  }

  private static final class CountingSpi extends SSLContextSpi {

    private final SSLContext delegate;
    private final Runnable onEngine;

    CountingSpi(SSLContext delegate, Runnable onEngine) {
      this.delegate = delegate;
      this.onEngine = onEngine;
    }

    @Override
    protected void engineInit(KeyManager[] keys, TrustManager[] trust, SecureRandom random)
        throws KeyManagementException {
      throw new KeyManagementException("initialised already");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return delegate.getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return delegate.getServerSocketFactory();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      onEngine.run();
      return delegate.createSSLEngine();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      onEngine.run();
      return delegate.createSSLEngine(host, port);
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return delegate.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return delegate.getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return delegate.getDefaultSSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return delegate.getSupportedSSLParameters();
    }
  }
}
