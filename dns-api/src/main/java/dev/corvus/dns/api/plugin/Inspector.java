package dev.corvus.dns.api.plugin;

import java.util.Map;

/**
 * A plugin's state as operators look at it, served by the {@code admin} directive under {@code
 * /inspect/TOPIC}: upstream health, informer sync, cache contents. Values are plain data that the
 * server renders as JSON: {@code Map<String, ?>}, {@code List<?>}, {@code String}, {@code Number},
 * {@code Boolean} or {@code null}. Called on a worker thread, never an event loop.
 */
public interface Inspector {

  /** The topic this inspector answers, e.g. {@code upstreams}; lower case, no slash. */
  String topic();

  /**
   * The current state.
   *
   * @param parameters the request's query parameters (e.g. {@code name} for a cache lookup)
   * @throws IllegalArgumentException when a parameter is missing or malformed; the message is
   *     shown to the operator
   */
  Object inspect(Map<String, String> parameters);

  /**
   * Runs an operator action such as {@code flush}; inspectors without actions keep the default.
   *
   * @param action the action's name
   * @param parameters the request's query parameters
   * @return what the action did, as plain data
   * @throws IllegalArgumentException for an unknown action or a bad parameter
   * @throws IllegalStateException when the action is disabled by configuration
   */
  default Object act(String action, Map<String, String> parameters) {
    throw new IllegalArgumentException(topic() + " has no action " + action);
  }
}
