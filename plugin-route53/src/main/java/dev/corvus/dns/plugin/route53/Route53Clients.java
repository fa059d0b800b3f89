package dev.corvus.dns.plugin.route53;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;

/** Builds the SDK client the directive asks for. */
final class Route53Clients {

  private Route53Clients() {}

  /**
   * A client with the credentials CoreDNS would use: the Corefile's static key, else the named
   * profile, else the SDK's default chain (environment, shared files, instance metadata). Route 53
   * is a global service, so the region is {@code aws-global} whatever the environment says.
   */
  static Route53Client build(Route53Config config) {
    var builder = Route53Client.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .region(Region.AWS_GLOBAL)
        .credentialsProvider(credentials(config));
    config.endpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  private static AwsCredentialsProvider credentials(Route53Config config) {
    if (config.accessKey().isPresent()) {
      Route53Config.AccessKey key = config.accessKey().get();
      return StaticCredentialsProvider.create(AwsBasicCredentials.create(key.id(), key.secret()));
    }
    if (config.profile().isPresent()) {
      Route53Config.Profile profile = config.profile().get();
      var provider = ProfileCredentialsProvider.builder().profileName(profile.name());
      profile.file().ifPresent(file -> provider.profileFile(
          ProfileFile.builder().content(file).type(ProfileFile.Type.CREDENTIALS).build()));
      return provider.build();
    }
    return DefaultCredentialsProvider.builder().build();
  }
}
