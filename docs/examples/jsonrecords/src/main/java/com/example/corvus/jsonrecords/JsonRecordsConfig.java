package com.example.corvus.jsonrecords;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code jsonrecords} directive's configuration.
 *
 * @param file the JSON file, resolved against the Corefile's directory
 * @param ttl the TTL of every answer
 */
public record JsonRecordsConfig(Path file, Duration ttl) {}
