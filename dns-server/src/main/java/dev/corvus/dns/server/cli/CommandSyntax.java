package dev.corvus.dns.server.cli;

import dev.corvus.dns.server.corefile.Suggestions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one subcommand accepts, declared once: its options with the kind of value each takes, the
 * ones it requires, its operands in order, and whether it takes {@code KEY=VALUE} parameters.
 * {@link #parse} reads a command line against it, so that every subcommand reports a wrong
 * argument the same way: naming the argument and what was expected.
 *
 * <p>Options may come anywhere among the operands; an option given twice keeps its last value, as
 * in Go's flag package. {@code -h}, {@code -help} and {@code --help} ask for the usage everywhere.
 */
final class CommandSyntax {

  private static final Set<String> HELP = Set.of("-h", "-help", "--help");

  private final String name;
  private final String usage;
  private final String summary;
  private final List<Option<?>> options;
  private final Set<Option<?>> required;
  private final List<Operand<?>> operands;
  private final int requiredOperands;
  private final boolean repeated;
  private final boolean parameters;
  private final List<String> subcommands;

  private CommandSyntax(Builder builder) {
    this.name = builder.name;
    this.usage = builder.usage;
    this.summary = builder.summary;
    this.options = List.copyOf(builder.options);
    this.required = Collections.unmodifiableSet(builder.required);
    this.operands = List.copyOf(builder.operands);
    this.requiredOperands = builder.requiredOperands;
    this.repeated = builder.repeated;
    this.parameters = builder.parameters;
    this.subcommands = List.copyOf(builder.subcommands);
  }

  /**
   * Starts the syntax of a subcommand.
   *
   * @param name the word that selects it ({@code query}), or empty for serving, which has none
   * @param usage its usage line, e.g. {@code corvus query [@SERVER[:PORT]] NAME [TYPE] [+tcp]}
   * @param summary what it does, for the full usage
   */
  static Builder command(String name, String usage, String summary) {
    return new Builder(name, usage, summary);
  }

  /** The word that selects the subcommand; empty for serving. */
  String name() {
    return name;
  }

  /** The usage line, without {@code usage: }. */
  String usage() {
    return usage;
  }

  String summary() {
    return summary;
  }

  /** How the subcommand's messages start: {@code corvus query: }, or {@code corvus: } when serving. */
  String prefix() {
    return name.isEmpty() ? "corvus: " : "corvus " + name + ": ";
  }

  /**
   * Reads {@code args} (without the subcommand's word).
   *
   * @throws UsageException naming the first argument that does not fit and what was expected
   */
  Arguments parse(List<String> args) throws UsageException {
    Map<Option<?>, Object> values = new IdentityHashMap<>();
    Map<Operand<?>, Object> operandValues = new IdentityHashMap<>();
    Map<String, String> parameterValues = new LinkedHashMap<>();
    if (args.stream().anyMatch(HELP::contains)) {
      return new Arguments(values, operandValues, parameterValues, true);
    }
    int operandIndex = 0;
    List<Object> repeatedValues = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      Option<?> option = optionOf(arg);
      if (option == null && parameters && arg.indexOf('=') >= 0) {
        String key = arg.substring(0, arg.indexOf('='));
        if (key.isEmpty()) {
          throw problem("bad parameter \"" + arg + "\": expected KEY=VALUE");
        }
        parameterValues.put(key, arg.substring(arg.indexOf('=') + 1));
      } else if (option == null) {
        if (operandIndex == operands.size() && !repeated) {
          throw unexpected(arg);
        }
        if (repeated && operandIndex >= operands.size() - 1) {
          repeatedValues.add(read(operands.get(operands.size() - 1), arg));
          operandIndex = operands.size();
        } else {
          Operand<?> operand = operands.get(operandIndex++);
          operandValues.put(operand, read(operand, arg));
        }
      } else if (option.isSwitch()) {
        values.put(option, Boolean.TRUE);
      } else if (option.isAttached()) {
        values.put(option, read(option, arg.substring(option.spelling().length()), arg));
      } else {
        if (i + 1 == args.size() || isOption(args.get(i + 1))) {
          throw problem(arg + " needs a value: " + option.synopsis());
        }
        String value = args.get(++i);
        values.put(option, read(option, value, value));
      }
    }
    for (Option<?> option : options) {
      if (required.contains(option) && !values.containsKey(option)) {
        throw problem(option.synopsis() + " is required");
      }
    }
    if (operandIndex < requiredOperands) {
      throw problem("missing " + operands.get(operandIndex).placeholder());
    }
    if (repeated) {
      operandValues.put(operands.get(operands.size() - 1), List.copyOf(repeatedValues));
    }
    return new Arguments(values, operandValues, parameterValues, false);
  }

  /** The option {@code arg} spells; {@code null} for an operand or parameter. */
  private Option<?> optionOf(String arg) throws UsageException {
    if (arg.startsWith("-") && arg.length() > 1) {
      String bare = arg.replaceFirst("^--?", "");
      for (Option<?> option : options) {
        if (option.isDash() && option.name().equals(bare)) {
          return option;
        }
      }
      int equals = bare.indexOf('=');
      for (Option<?> option : options) {
        if (equals > 0 && option.isDash() && !option.isSwitch() && option.name().equals(bare.substring(0, equals))) {
          throw problem("unknown option \"" + arg + "\"; write the value after a space: " + option.synopsis());
        }
      }
      throw unknown("unknown option \"" + arg + "\"", bare);
    }
    boolean plusOptions = options.stream().anyMatch(o -> o.spelling().startsWith("+"));
    if (arg.startsWith("+") && plusOptions) {
      for (Option<?> option : options) {
        if (option.spelling().equals(arg)) {
          return option;
        }
      }
      throw unknown("unknown option \"" + arg + "\"", arg.substring(1));
    }
    for (Option<?> option : options) {
      if (option.isAttached() && arg.startsWith(option.spelling())) {
        return option;
      }
    }
    return null;
  }

  /** Whether {@code arg} is one of this subcommand's dash options: then it is not the previous option's value. */
  private boolean isOption(String arg) {
    if (HELP.contains(arg)) {
      return true;
    }
    String bare = arg.replaceFirst("^--?", "");
    return arg.startsWith("-") && options.stream().anyMatch(o -> o.isDash() && o.name().equals(bare));
  }

  private UsageException unexpected(String arg) {
    if (subcommands.contains(arg)) {
      return problem("the subcommand \"" + arg + "\" must come first: corvus " + arg + " ...");
    }
    return unknown((subcommands.isEmpty() ? "unexpected argument \"" : "unknown command \"") + arg + "\"", arg);
  }

  /** {@code problem}, with a did-you-mean when an option or subcommand is spelt close to {@code word}. */
  private UsageException unknown(String problem, String word) {
    Map<String, String> known = new LinkedHashMap<>();
    subcommands.forEach(subcommand -> known.put(subcommand, subcommand));
    for (Option<?> option : options) {
      if (!option.isAttached()) {
        known.put(option.spelling().replaceFirst("^(--?|\\+)", ""), option.spelling());
      }
    }
    known.put("help", "-help");
    String closest = Suggestions.closest(word, known.keySet());
    return problem(closest == null ? problem : problem + ", did you mean \"" + known.get(closest) + "\"?");
  }

  private <T> T read(Option<T> option, String value, String shown) throws UsageException {
    try {
      return option.read(value);
    } catch (ValueReader.Invalid e) {
      throw problem("bad " + option.label() + " \"" + shown + "\": " + e.getMessage());
    }
  }

  private <T> T read(Operand<T> operand, String value) throws UsageException {
    try {
      return operand.read(value);
    } catch (ValueReader.Invalid e) {
      throw problem("bad " + operand.label() + " \"" + value + "\": " + e.getMessage());
    }
  }

  private UsageException problem(String problem) {
    return new UsageException(this, problem);
  }

  @Override
  public String toString() {
    return usage;
  }

  /** Declares a subcommand's arguments. */
  static final class Builder {

    private final String name;
    private final String usage;
    private final String summary;
    private final List<Option<?>> options = new ArrayList<>();
    private final Set<Option<?>> required = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<Operand<?>> operands = new ArrayList<>();
    private int requiredOperands;
    private boolean repeated;
    private boolean parameters;
    private final List<String> subcommands = new ArrayList<>();

    private Builder(String name, String usage, String summary) {
      this.name = name;
      this.usage = usage;
      this.summary = summary;
    }

    /** Options the subcommand accepts. */
    Builder options(Option<?>... accepted) {
      options.addAll(List.of(accepted));
      return this;
    }

    /** An option the subcommand cannot do without. */
    Builder required(Option<?> option) {
      options.add(option);
      required.add(option);
      return this;
    }

    /** The next operand, which must be given; required operands come before optional ones. */
    Builder operand(Operand<?> operand) {
      if (requiredOperands != operands.size()) {
        throw new IllegalStateException("a required operand after an optional one: " + operand);
      }
      operands.add(operand);
      requiredOperands++;
      return this;
    }

    /** The next operand, which may be left out. */
    Builder optionalOperand(Operand<?> operand) {
      operands.add(operand);
      return this;
    }

    /**
     * The last operand, given once or more ({@code FILE...}); the command reads its values with
     * {@link Arguments#all}.
     */
    Builder repeatedOperand(Operand<?> operand) {
      operand(operand);
      repeated = true;
      return this;
    }

    /** Takes {@code KEY=VALUE} arguments besides its operands. */
    Builder parameters() {
      parameters = true;
      return this;
    }

    /** The words that select another subcommand when they come first, named when they come later. */
    Builder subcommands(List<String> words) {
      subcommands.addAll(words);
      return this;
    }

    CommandSyntax build() {
      return new CommandSyntax(this);
    }
  }
}
