package dev.corvus.dns.plugin.etcd;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.xbill.DNS.Name;

/**
 * One SkyDNS message, the JSON value of an etcd key ({@code {"host":"10.0.0.1","ttl":60}}), with
 * the fields CoreDNS's {@code msg.Service} reads.
 *
 * @param host an address (A/AAAA) or a name (CNAME, SRV/MX target, PTR)
 * @param port the SRV port; -1 leaves the record out of SRV answers
 * @param priority SRV priority or MX preference; 0 means CoreDNS's default of 10 once served
 * @param weight SRV weight; 0 counts as 100 when shares are computed
 * @param text TXT data
 * @param mail whether the record is an MX target
 * @param ttl the record's TTL; 0 means the default (300) or the lease's
 * @param targetStrip how many leading labels to remove from the target of SRV, MX and NS
 * @param group the group this record belongs to (see {@link SkyDnsGroups})
 * @param key the etcd key the value was read from
 * @param address {@code host} as an address (Go's {@code net.ParseIP}), or {@code null} for a name
 * @param hostName {@code host} as an absolute name, or {@code null} when it is an address or
 *     not a valid name; parsed once, when the value arrives, not per query
 */
record SkyDnsService(
    String host,
    long port,
    long priority,
    long weight,
    String text,
    boolean mail,
    long ttl,
    long targetStrip,
    String group,
    String key,
    InetAddress address,
    Name hostName) {

  /** A message with the address or name of {@code host} parsed. */
  SkyDnsService(String host, long port, long priority, long weight, String text, boolean mail, long ttl,
      long targetStrip, String group, String key) {
    this(host, port, priority, weight, text, mail, ttl, targetStrip, group, key, SkyDnsAnswers.address(host),
        SkyDnsAnswers.address(host) == null ? SkyDnsAnswers.name(host) : null);
  }

  private static final JsonFactory JSON = new JsonFactory();
  private static final BigInteger MIN_INT64 = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger MAX_INT64 = BigInteger.valueOf(Long.MAX_VALUE);
  private static final long MAX_UINT32 = 0xFFFF_FFFFL;

  /** CoreDNS's default priority when a message sets none. */
  static final long DEFAULT_PRIORITY = 10;

  /** A copy with the TTL and priority as served (CoreDNS's {@code loopNodes}). */
  SkyDnsService served(long servedTtl) {
    return new SkyDnsService(host, port, priority == 0 ? DEFAULT_PRIORITY : priority, weight, text, mail,
        servedTtl, targetStrip, group, key, address, hostName);
  }

  /** Thrown for a value that is not a SkyDNS message, with Go's reason where it has one. */
  static final class MalformedException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Decodes a value as Go's {@code json.Unmarshal} decodes it into CoreDNS's {@code msg.Service}:
   * field names match case-insensitively, unknown fields and {@code null}s are ignored, a value of
   * the wrong JSON type or out of the field's range is an error.
   */
  static SkyDnsService parse(String key, byte[] value) throws MalformedException {
    String host = "";
    long port = 0;
    long priority = 0;
    long weight = 0;
    String text = "";
    boolean mail = false;
    long ttl = 0;
    long targetStrip = 0;
    String group = "";
    try (JsonParser parser = JSON.createParser(value)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new MalformedException("unexpected end of JSON input");
      }
      if (first == JsonToken.VALUE_NULL) {
        expectEnd(parser);
        return new SkyDnsService(host, port, priority, weight, text, mail, ttl, targetStrip, group, key);
      }
      if (first != JsonToken.START_OBJECT) {
        throw new MalformedException("cannot unmarshal " + describe(first) + " into a SkyDNS message");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName().toLowerCase(Locale.ROOT);
        JsonToken token = parser.nextToken();
        if (token == JsonToken.VALUE_NULL) {
          continue;
        }
        switch (field) {
          case "host" -> host = string(parser, token, field);
          case "text" -> text = string(parser, token, field);
          case "group" -> group = string(parser, token, field);
          case "port" -> port = int64(parser, token, field);
          case "priority" -> priority = int64(parser, token, field);
          case "weight" -> weight = int64(parser, token, field);
          case "targetstrip" -> targetStrip = int64(parser, token, field);
          case "ttl" -> {
            long v = int64(parser, token, field);
            if (v < 0 || v > MAX_UINT32) {
              throw new MalformedException("value " + v + " out of range for field ttl (uint32)");
            }
            ttl = v;
          }
          case "mail" -> {
            if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
              throw new MalformedException("cannot unmarshal " + describe(token) + " into field mail of type bool");
            }
            mail = token == JsonToken.VALUE_TRUE;
          }
          default -> parser.skipChildren();
        }
      }
      expectEnd(parser);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new MalformedException("invalid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new MalformedException("invalid JSON: " + e.getMessage());
    }
    return new SkyDnsService(host, port, priority, weight, text, mail, ttl, targetStrip, group, key);
  }

  private static void expectEnd(JsonParser parser) throws IOException, MalformedException {
    if (parser.nextToken() != null) {
      throw new MalformedException("invalid character after top-level value");
    }
  }

  private static String string(JsonParser parser, JsonToken token, String field)
      throws IOException, MalformedException {
    if (token != JsonToken.VALUE_STRING) {
      throw new MalformedException("cannot unmarshal " + describe(token) + " into field " + field + " of type string");
    }
    return parser.getText();
  }

  private static long int64(JsonParser parser, JsonToken token, String field)
      throws IOException, MalformedException {
    if (token == JsonToken.VALUE_NUMBER_INT) {
      BigInteger v = parser.getBigIntegerValue();
      if (v.compareTo(MIN_INT64) < 0 || v.compareTo(MAX_INT64) > 0) {
        throw new MalformedException("value " + v + " out of range for field " + field);
      }
      return v.longValue();
    }
    if (token == JsonToken.VALUE_NUMBER_FLOAT) {
      throw new MalformedException("cannot unmarshal number " + parser.getText() + " into field " + field + " of type int");
    }
    throw new MalformedException("cannot unmarshal " + describe(token) + " into field " + field + " of type int");
  }

  private static String describe(JsonToken token) {
    return switch (token) {
      case START_OBJECT -> "object";
      case START_ARRAY -> "array";
      case VALUE_STRING -> "string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
      case VALUE_TRUE, VALUE_FALSE -> "bool";
      default -> token.toString();
    };
  }

  /** The value as text for log lines, cut to a readable length. */
  static String preview(byte[] value) {
    String text = new String(value, StandardCharsets.UTF_8);
    return text.length() > 120 ? text.substring(0, 120) + "..." : text;
  }
}
