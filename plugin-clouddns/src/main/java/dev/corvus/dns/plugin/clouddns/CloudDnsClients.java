package dev.corvus.dns.plugin.clouddns;

import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.dns.Dns;
import com.google.api.services.dns.DnsScopes;
import com.google.auth.http.HttpCredentialsAdapter;
import com.google.auth.http.HttpTransportFactory;
import com.google.auth.oauth2.ExternalAccountCredentials;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ImpersonatedCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.auth.oauth2.UserCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

/** Builds the Cloud DNS client the directive asks for. */
final class CloudDnsClients {

  /** Read-only access is all the plugin needs: it gets managed zones and lists their record sets. */
  static final List<String> SCOPES = List.of(DnsScopes.NDEV_CLOUDDNS_READONLY);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private CloudDnsClients() {}

  /**
   * A client on the JDK's HTTP client with the credentials CoreDNS would use: the Corefile's
   * credentials file, else Google's application default credentials (the
   * {@code GOOGLE_APPLICATION_CREDENTIALS} file, gcloud's, or the metadata server on Google
   * Cloud). Blocks (reads files, may probe the metadata server): call it off the I/O threads.
   */
  static Dns build(CloudDnsConfig config) throws IOException {
    NetHttpTransport transport = new NetHttpTransport();
    HttpTransportFactory transports = () -> transport;
    GoogleCredentials credentials = credentials(config, transports);
    if (credentials.createScopedRequired()) {
      credentials = credentials.createScoped(SCOPES);
    }
    HttpCredentialsAdapter authorization = new HttpCredentialsAdapter(credentials);
    HttpRequestInitializer initializer = request -> {
      authorization.initialize(request);
      request.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
      request.setReadTimeout((int) READ_TIMEOUT.toMillis());
    };
    Dns.Builder builder = new Dns.Builder(transport, GsonFactory.getDefaultInstance(), initializer)
        .setApplicationName("corvus-clouddns");
    config.endpoint().ifPresent(root -> builder.setRootUrl(root.toString()));
    return builder.build();
  }

  private static GoogleCredentials credentials(CloudDnsConfig config, HttpTransportFactory transports)
      throws IOException {
    if (config.credentials().isEmpty()) {
      return GoogleCredentials.getApplicationDefault(transports);
    }
    CloudDnsConfig.Credentials file = config.credentials().get();
    try (InputStream in = Files.newInputStream(file.file())) {
      // each type by its own loader: the file's type was checked against these when it was parsed
      return switch (file.type()) {
        case SERVICE_ACCOUNT -> ServiceAccountCredentials.fromStream(in, transports);
        case AUTHORIZED_USER -> UserCredentials.fromStream(in, transports);
        case IMPERSONATED_SERVICE_ACCOUNT -> ImpersonatedCredentials.fromStream(in, transports);
        case EXTERNAL_ACCOUNT -> ExternalAccountCredentials.fromStream(in, transports);
      };
    }
  }
}
