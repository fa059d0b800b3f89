package dev.corvus.dns.server.cli;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A command line read against a {@link CommandSyntax}: every value already of its kind, so a
 * command reads no raw text.
 */
final class Arguments {

  private final Map<Option<?>, Object> options;
  private final Map<Operand<?>, Object> operands;
  private final Map<String, String> parameters;
  private final boolean helpRequested;

  Arguments(Map<Option<?>, Object> options, Map<Operand<?>, Object> operands, Map<String, String> parameters,
      boolean helpRequested) {
    this.options = new IdentityHashMap<>(options);
    this.operands = new IdentityHashMap<>(operands);
    this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    this.helpRequested = helpRequested;
  }

  /** The option's value, or its default when it was not given. */
  @SuppressWarnings("unchecked") // values are stored by the option that read them
  <T> T get(Option<T> option) {
    return options.containsKey(option) ? (T) options.get(option) : option.defaultValue();
  }

  boolean has(Option<?> option) {
    return options.containsKey(option);
  }

  /** The operand's value, empty when an optional operand was not given. */
  @SuppressWarnings("unchecked") // values are stored by the operand that read them
  <T> Optional<T> get(Operand<T> operand) {
    return Optional.ofNullable((T) operands.get(operand));
  }

  /** Every value of a {@linkplain CommandSyntax.Builder#repeatedOperand repeated operand}, in the order given. */
  @SuppressWarnings("unchecked") // a repeated operand's values are stored as the list it read
  <T> List<T> all(Operand<T> operand) {
    Object values = operands.get(operand);
    return values == null ? List.of() : (List<T>) values;
  }

  /** The {@code KEY=VALUE} arguments, in the order given. */
  Map<String, String> parameters() {
    return parameters;
  }

  /** Whether {@code -h}, {@code -help} or {@code --help} was given. */
  boolean helpRequested() {
    return helpRequested;
  }
}
