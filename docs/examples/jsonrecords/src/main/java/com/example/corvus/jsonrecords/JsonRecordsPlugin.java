package com.example.corvus.jsonrecords;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.plugin.Plugin;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured {@code jsonrecords}: reads its file when started. A file that cannot be read
 * makes {@link #start} fail, so the configuration is not served (at startup the server exits;
 * on reload the previous configuration keeps serving).
 */
final class JsonRecordsPlugin implements Plugin {

  private static final Logger LOG = LoggerFactory.getLogger(JsonRecordsPlugin.class);

  private final JsonRecordsConfig config;
  private final AtomicReference<RecordTable> table = new AtomicReference<>();
  private final Handler handler = new JsonRecordsHandler(table::get);

  JsonRecordsPlugin(JsonRecordsConfig config) {
    this.config = config;
  }

  @Override
  public Optional<Handler> handler() {
    return Optional.of(handler);
  }

  /** Reads the file before the server serves: its records are the plugin's whole state. */
  @Override
  public CompletionStage<Void> start() throws IOException {
    RecordTable read;
    try {
      read = RecordTable.read(config.file(), config.ttl().toSeconds());
    } catch (JsonProcessingException e) {
      // Jackson's own message spans two lines; the server reports start failures on one.
      JsonLocation at = e.getLocation();
      throw new IOException(config.file() + (at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr())
          + ": " + e.getOriginalMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IOException(config.file() + ": " + e.getMessage(), e);
    }
    table.set(read);
    LOG.info("jsonrecords: {} {} from {} (read with Jackson {})", read.size(),
        read.size() == 1 ? "name" : "names", config.file(), RecordTable.jacksonVersion());
    return STARTED;
  }
}
