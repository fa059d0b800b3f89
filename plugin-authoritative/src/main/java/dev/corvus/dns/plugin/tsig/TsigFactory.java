package dev.corvus.dns.plugin.tsig;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * {@code tsig [ZONES...] { secret NAME KEY; secrets FILE; require [QTYPE...]|all|none;
 * require_opcode [OPCODE...]|all|none }}: checks TSIG-signed queries (RFC 8945) and signs their
 * responses, as CoreDNS's <i>tsig</i>.
 */
@AutoService(PluginFactory.class)
public final class TsigFactory implements PluginFactory {

  private static final List<String> KNOWN_OPTIONS = List.of("secret", "secrets", "require", "require_opcode");

  @Override
  public String directive() {
    return "tsig";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    return Plugin.of(new TsigHandler(parse(config), context.clock()));
  }

  static TsigConfig parse(ConfigReader config) throws ConfigException {
    List<Name> zones = config.remainingZonesOrServerZones();
    Map<Name, byte[]> secrets = new LinkedHashMap<>();
    Set<Integer> types = new HashSet<>();
    Set<Integer> opcodes = new HashSet<>();
    boolean allTypes = false;
    boolean allOpcodes = false;
    while (config.nextOption()) {
      switch (config.option()) {
        case "secret" -> {
          Name name = keyName(config, config.nextArg("NAME"));
          byte[] secret = secret(config, config.nextArg("KEY"));
          config.expectNoMoreArgs();
          if (secrets.putIfAbsent(name, secret) != null) {
            throw config.error("key " + name + " redefined");
          }
        }
        case "secrets" -> {
          Path file = config.nextPath("FILE");
          config.expectNoMoreArgs();
          Map<String, String> read;
          try {
            read = KeyFile.read(file);
          } catch (IOException e) {
            throw config.error("cannot read " + file + ": " + e.getMessage());
          } catch (KeyFile.KeyFileException e) {
            throw config.error(e.getMessage());
          }
          for (Map.Entry<String, String> entry : read.entrySet()) {
            Name name = keyName(config, entry.getKey());
            if (secrets.putIfAbsent(name, secret(config, entry.getValue())) != null) {
              throw config.error("key " + name + " redefined");
            }
          }
        }
        case "require" -> {
          types.clear();
          allTypes = false;
          List<String> args = config.remainingArgs();
          if (args.isEmpty()) {
            throw config.error("expected QTYPE..., all or none");
          }
          if (args.get(0).equals("all")) {
            allTypes = true;
          } else if (!args.get(0).equals("none")) {
            for (String text : args) {
              int type = Type.value(text);
              if (type < 0) {
                throw config.error("unknown query type '" + text + "'");
              }
              types.add(type);
            }
          }
        }
        case "require_opcode" -> {
          opcodes.clear();
          allOpcodes = false;
          List<String> args = config.remainingArgs();
          if (args.isEmpty()) {
            throw config.error("expected OPCODE..., all or none");
          }
          if (args.get(0).equals("all")) {
            allOpcodes = true;
          } else if (!args.get(0).equals("none")) {
            for (String text : args) {
              int opcode = Opcode.value(text);
              if (opcode < 0 || !List.of("QUERY", "IQUERY", "STATUS", "NOTIFY", "UPDATE").contains(text)) {
                throw config.error("unknown opcode '" + text + "' (expected QUERY, IQUERY, STATUS, NOTIFY or UPDATE)");
              }
              opcodes.add(opcode);
            }
          }
        }
        default -> throw config.unknownOption(KNOWN_OPTIONS);
      }
    }
    return new TsigConfig(zones, secrets, types, allTypes, opcodes, allOpcodes);
  }

  private static Name keyName(ConfigReader config, String text) throws ConfigException {
    try {
      return Name.fromString(text, Name.root).canonicalize();
    } catch (TextParseException e) {
      throw config.error("invalid key name \"" + text + "\": " + e.getMessage());
    }
  }

  private static byte[] secret(ConfigReader config, String text) throws ConfigException {
    try {
      byte[] secret = Base64.getDecoder().decode(text);
      if (secret.length == 0) {
        throw config.error("empty secret");
      }
      return secret;
    } catch (IllegalArgumentException e) {
      throw config.error("secret is not base64: " + e.getMessage());
    }
  }
}
