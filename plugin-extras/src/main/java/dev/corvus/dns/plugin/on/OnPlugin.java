package dev.corvus.dns.plugin.on;

import dev.corvus.dns.api.plugin.Plugin;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs its command when the configuration starts ({@code startup}) or stops ({@code shutdown}).
 * The process is started and its output (stdout and stderr) logged line by line from a thread of
 * its own; the server never waits for a startup command. A shutdown command without {@code &}
 * is waited for, up to {@link #SHUTDOWN_WAIT} seconds, so that it finishes before the process exits.
 */
final class OnPlugin implements Plugin {

  /** How long {@link #stop} waits for a shutdown command without {@code &}, in seconds. */
  static final long SHUTDOWN_WAIT = 10;

  private static final Logger log = LoggerFactory.getLogger("dev.corvus.dns.plugin.on");

  private final OnCommand command;
  private final String location;

  OnPlugin(OnCommand command, String location) {
    this.command = command;
    this.location = location;
  }

  @Override
  public CompletionStage<Void> start() {
    if (command.event().equals("startup")) {
      run();
    }
    return STARTED;
  }

  @Override
  public void stop() {
    if (!command.event().equals("shutdown")) {
      return;
    }
    CompletableFuture<Integer> exit = run();
    if (!command.background()) {
      try {
        exit.get(SHUTDOWN_WAIT, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        log.warn("{}: on shutdown {}: not finished after {}s, left running", location, command.command(), SHUTDOWN_WAIT);
      }
    }
  }

  /** Starts the command; completes with its exit code, or -1 when it could not start. */
  private CompletableFuture<Integer> run() {
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    Thread thread = new Thread(() -> exit.complete(runAndLog()), "corvus-on-" + command.event());
    thread.setDaemon(true);
    thread.start();
    return exit;
  }

  private int runAndLog() {
    log.info("{}: on {}: running {}{}", location, command.event(), command.command(),
        command.background() ? " in the background" : "");
    Process process;
    try {
      process = new ProcessBuilder(command.command()).redirectErrorStream(true).start();
    } catch (IOException | RuntimeException e) {
      log.error("{}: on {}: cannot run {}: {}", location, command.event(), command.command(), e.toString());
      return -1;
    }
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        log.info("{}: on {}: {}", location, command.event(), line);
      }
      int code = process.waitFor();
      if (code == 0) {
        log.info("{}: on {}: {} exited 0", location, command.event(), command.command().get(0));
      } else {
        log.warn("{}: on {}: {} exited {}", location, command.event(), command.command().get(0), code);
      }
      return code;
    } catch (IOException e) {
      log.warn("{}: on {}: reading the output of {}: {}", location, command.event(), command.command(), e.toString());
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
