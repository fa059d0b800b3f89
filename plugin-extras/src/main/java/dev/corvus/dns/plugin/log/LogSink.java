package dev.corvus.dns.plugin.log;

/** Where a {@code log} handler hands its lines. */
@FunctionalInterface
interface LogSink {

  /**
   * Takes one line to write. Called on the I/O thread that wrote the response: it must not block
   * and should not do more than queue the entry.
   */
  void submit(LogFormat.Entry entry);
}
