package com.example.corvus.blocklist;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@code blocklist} directive's configuration, parsed and validated once by {@link
 * BlocklistFactory}; the handler never sees raw Corefile tokens.
 *
 * @param file the list of blocked names, resolved against the Corefile's directory
 * @param action how a blocked query is answered
 * @param refresh how often the file is read again; {@link Duration#ZERO} reads it once
 */
public record BlocklistConfig(Path file, Action action, Duration refresh) {

  /** The answer to a blocked query. */
  public enum Action {
    /** NXDOMAIN: the name does not exist. */
    NXDOMAIN,
    /** REFUSED: the server will not answer. */
    REFUSED,
    /** NOERROR with {@code 0.0.0.0} for A, {@code ::} for AAAA and no record for other types. */
    NULL
  }

  /** Used when the block has no {@code respond} line. */
  public static final Action DEFAULT_ACTION = Action.NXDOMAIN;

  /** Used when the block has no {@code refresh} line. */
  public static final Duration DEFAULT_REFRESH = Duration.ofMinutes(1);

  /** Validates the values. */
  public BlocklistConfig {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(action, "action");
    if (refresh.isNegative()) {
      throw new IllegalArgumentException("refresh must not be negative");
    }
  }
}
