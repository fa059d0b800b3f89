package dev.corvus.dns.plugin.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.policy.HttpLogOptions;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.profile.AzureProfile;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.resourcemanager.dns.DnsZoneManager;
import com.azure.resourcemanager.privatedns.PrivateDnsZoneManager;
import com.azure.resourcemanager.resources.fluentcore.utils.HttpPipelineProvider;
import java.util.Map;

/** Builds the SDK clients the directive asks for. */
final class AzureClients {

  private AzureClients() {}

  /**
   * The record-set listings of public and private zones, through one HTTP pipeline: the JDK's
   * HTTP client, the SDK's retry policy (Retry-After, else exponential back-off), and a bearer
   * token from the client secret, or from the managed identity when no secret is given (CoreDNS
   * falls back to it the same way).
   */
  static AzureRecordSource build(AzureConfig config) {
    HttpClient http = new JdkHttp();
    AzureConfig.Cloud cloud = config.cloud();
    String audience = withoutTrailingSlash(cloud.tokenAudience().toString());
    AzureEnvironment environment = new AzureEnvironment(Map.of(
        "resourceManagerEndpointUrl", cloud.resourceManager().toString(),
        "activeDirectoryEndpointUrl", cloud.activeDirectory().toString(),
        "managementEndpointUrl", audience));
    AzureProfile profile =
        new AzureProfile(config.tenant().orElse(null), config.subscription().orElse(null), environment);
    HttpPipeline pipeline = HttpPipelineProvider.buildHttpPipeline(credential(config, http), profile,
        new String[] {audience + "/.default"}, new HttpLogOptions(), null, null, null, http);
    return new AzureRecordSource(
        DnsZoneManager.authenticate(pipeline, profile).serviceClient().getRecordSets(),
        PrivateDnsZoneManager.authenticate(pipeline, profile).serviceClient().getRecordSets());
  }

  private static TokenCredential credential(AzureConfig config, HttpClient http) {
    if (config.secret().isPresent()) {
      ClientSecretCredentialBuilder builder = new ClientSecretCredentialBuilder()
          .tenantId(config.tenant().orElseThrow())
          .clientId(config.client().orElseThrow())
          .clientSecret(config.secret().get().value())
          .authorityHost(config.cloud().activeDirectory().toString())
          .httpClient(http);
      if (!config.cloud().instanceDiscovery()) {
        builder.disableInstanceDiscovery();
      }
      return builder.build();
    }
    ManagedIdentityCredentialBuilder builder = new ManagedIdentityCredentialBuilder().httpClient(http);
    config.client().ifPresent(builder::clientId);
    return builder.build();
  }

  private static String withoutTrailingSlash(String uri) {
    return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
  }
}
