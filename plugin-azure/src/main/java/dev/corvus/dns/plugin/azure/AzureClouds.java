package dev.corvus.dns.plugin.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The clouds {@code environment} names, as CoreDNS's Azure library (go-autorest) knows them:
 * the public cloud, China and US Government by name, and Azure Stack from a JSON file of
 * endpoints. As in CoreDNS, tokens are asked for the Resource Manager endpoint.
 */
final class AzureClouds {

  /** go-autorest's variable naming the endpoints file of {@code AZURESTACKCLOUD}. */
  static final String ENVIRONMENT_FILEPATH = "AZURE_ENVIRONMENT_FILEPATH";

  static final AzureConfig.Cloud PUBLIC =
      stock("AZUREPUBLICCLOUD", "https://management.azure.com/", "https://login.microsoftonline.com/");
  static final AzureConfig.Cloud CHINA =
      stock("AZURECHINACLOUD", "https://management.chinacloudapi.cn/", "https://login.chinacloudapi.cn/");
  static final AzureConfig.Cloud US_GOVERNMENT =
      stock("AZUREUSGOVERNMENTCLOUD", "https://management.usgovcloudapi.net/", "https://login.microsoftonline.us/");

  private static final Map<String, AzureConfig.Cloud> BY_NAME = Map.of(
      "AZURECLOUD", PUBLIC,
      "AZUREPUBLICCLOUD", PUBLIC,
      "AZURECHINACLOUD", CHINA,
      "AZUREUSGOVERNMENT", US_GOVERNMENT,
      "AZUREUSGOVERNMENTCLOUD", US_GOVERNMENT);

  private AzureClouds() {}

  private static AzureConfig.Cloud stock(String name, String resourceManager, String activeDirectory) {
    URI arm = URI.create(resourceManager);
    return new AzureConfig.Cloud(name, arm, URI.create(activeDirectory), arm, true);
  }

  /**
   * {@code environment NAME [FILE]}: a stock cloud by name (any case), or {@code AZURESTACKCLOUD}
   * with its endpoints read from FILE, else from the file {@code $AZURE_ENVIRONMENT_FILEPATH}
   * names (where CoreDNS reads them).
   */
  static AzureConfig.Cloud read(ConfigReader config, Function<String, String> environment) throws ConfigException {
    String name = config.nextArg("environment name").toUpperCase(Locale.ROOT);
    if (name.equals("AZURESTACKCLOUD")) {
      Path file;
      if (config.hasNextArg()) {
        file = config.nextPath("environment file");
      } else {
        String variable = environment.apply(ENVIRONMENT_FILEPATH);
        if (variable == null || variable.isEmpty()) {
          throw config.error("cannot set azure environment: AZURESTACKCLOUD reads its endpoints from a file: "
              + "give it after the name or in " + ENVIRONMENT_FILEPATH);
        }
        file = config.baseDirectory().resolve(variable);
      }
      config.expectNoMoreArgs();
      return fromFile(config, file);
    }
    config.expectNoMoreArgs();
    if (name.equals("AZUREGERMANCLOUD")) {
      throw config.error("cannot set azure environment: Azure Germany (AZUREGERMANCLOUD) closed in October 2021");
    }
    AzureConfig.Cloud cloud = BY_NAME.get(name);
    if (cloud == null) {
      throw config.error("cannot set azure environment: there is no cloud environment matching the name \"" + name
          + "\": expected one of AZUREPUBLICCLOUD, AZURECLOUD, AZURECHINACLOUD, AZUREUSGOVERNMENTCLOUD, "
          + "AZUREUSGOVERNMENT, AZURESTACKCLOUD");
    }
    return cloud;
  }

  /**
   * An Azure Stack cloud from go-autorest's environment file: a JSON object whose
   * {@code resourceManagerEndpoint} and {@code activeDirectoryEndpoint} are used (the others,
   * for services other than DNS, are not).
   */
  private static AzureConfig.Cloud fromFile(ConfigReader config, Path file) throws ConfigException {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readString(file));
    } catch (IOException e) {
      throw config.error("cannot set azure environment: cannot read " + file + ": " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw config.error("cannot set azure environment: " + file + " does not hold a JSON object");
    }
    URI arm = endpoint(config, file, root, "resourceManagerEndpoint");
    URI activeDirectory = endpoint(config, file, root, "activeDirectoryEndpoint");
    return new AzureConfig.Cloud("AZURESTACKCLOUD", arm, activeDirectory, arm, false);
  }

  private static URI endpoint(ConfigReader config, Path file, JsonNode root, String field) throws ConfigException {
    JsonNode value = root.get(field);
    if (value == null || !value.isTextual() || value.asText().isEmpty()) {
      throw config.error("cannot set azure environment: " + file + " has no " + field);
    }
    try {
      URI uri = new URI(value.asText());
      // the identity library refuses an authority other than https://, and so does Azure Stack
      if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw config.error("cannot set azure environment: " + field + " in " + file
            + " must be an https:// URL, got \"" + value.asText() + "\"");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw config.error("cannot set azure environment: " + field + " in " + file + ": " + e.getMessage());
    }
  }
}
