package dev.corvus.dns.plugin.clouddns;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The check of a {@code credentials} file while the Corefile is read. A class apart from the
 * factory, so that loading the factory (which the server does for every configuration) does not
 * load Gson from the plugin's libraries.
 */
final class CredentialsFile {

  private CredentialsFile() {}

  /**
   * The file's {@code type}, one of those CoreDNS accepts. As CoreDNS, only the type is checked
   * here; the rest of the file is read when the plugin starts.
   */
  static CloudDnsConfig.CredentialType type(ConfigReader config, Path file) throws ConfigException {
    String prefix = "invalid credentials file \"" + file + "\": ";
    JsonElement json;
    try {
      json = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw config.error(prefix + "cannot read it: " + e);
    } catch (JsonParseException e) {
      throw config.error(prefix + "not JSON: " + e.getMessage());
    }
    if (!(json instanceof JsonObject object)) {
      throw config.error(prefix + "not a JSON object");
    }
    JsonElement type = object.get("type");
    if (type == null || !type.isJsonPrimitive() || type.getAsString().isEmpty()) {
      throw config.error(prefix + "missing `type` field in credential");
    }
    String value = type.getAsString();
    return CloudDnsConfig.CredentialType.of(value).orElseThrow(() -> config.error(prefix
        + "unknown credential type: " + value + " (expected service_account, authorized_user, "
        + "impersonated_service_account or external_account)"));
  }
}
