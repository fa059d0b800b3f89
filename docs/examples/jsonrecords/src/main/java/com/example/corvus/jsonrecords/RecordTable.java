package com.example.corvus.jsonrecords;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corvus.dns.api.Names;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The records of a JSON file, by lower-case owner name: {@code {"NAME": {"TYPE": ["RDATA",
 * ...]}}}, where RDATA is written as in a zone file ({@code "10 mail.example.org."} for MX).
 * Immutable.
 */
public final class RecordTable {

  private static final TypeReference<Map<String, Map<String, List<String>>>> FORMAT =
      new TypeReference<>() {};

  private final Map<String, List<Record>> byName;

  private RecordTable(Map<String, List<Record>> byName) {
    this.byName = Map.copyOf(byName);
  }

  /**
   * Reads and validates a file.
   *
   * @throws IOException when the file cannot be read or is not JSON of the expected shape
   * @throws IllegalArgumentException naming the entry when a name, type or RDATA is invalid
   */
  public static RecordTable read(Path file, long ttl) throws IOException {
    return of(new ObjectMapper().readValue(file.toFile(), FORMAT), ttl);
  }

  /** Builds the table of already parsed JSON. */
  static RecordTable of(Map<String, Map<String, List<String>>> json, long ttl) {
    Map<String, List<Record>> byName = new HashMap<>();
    json.forEach((owner, types) -> {
      Name name = Names.zone(owner);
      List<Record> records = byName.computeIfAbsent(Names.lowerCase(name), n -> new ArrayList<>());
      types.forEach((typeName, values) -> {
        int type = Type.value(typeName);
        if (type < 0) {
          throw new IllegalArgumentException(owner + ": unknown record type " + typeName);
        }
        for (String rdata : values) {
          try {
            records.add(Record.fromString(name, type, DClass.IN, ttl, rdata, Name.root));
          } catch (IOException e) {
            throw new IllegalArgumentException(owner + " " + typeName + " \"" + rdata + "\": " + e.getMessage(), e);
          }
        }
      });
    });
    byName.replaceAll((name, records) -> List.copyOf(records));
    return new RecordTable(byName);
  }

  /** Whether the file has {@code lowerName} (records of any type). */
  public boolean has(String lowerName) {
    return byName.containsKey(lowerName);
  }

  /** The records of {@code lowerName} with type {@code type}; empty when there are none. */
  public List<Record> lookup(String lowerName, int type) {
    List<Record> records = byName.getOrDefault(lowerName, List.of());
    return records.stream().filter(r -> r.getType() == type).toList();
  }

  /** How many names the table holds. */
  public int size() {
    return byName.size();
  }

  /** The version of the Jackson the table was read with, e.g. {@code 2.17.2}. */
  public static String jacksonVersion() {
    return new ObjectMapper().version().toString();
  }
}
