package dev.corvus.dns.server.corefile;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.Location;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Groups the words of a Corefile into server blocks, directives and nested blocks, expanding
 * {@code import} and snippets on the way, following Caddy's parser as CoreDNS uses it:
 *
 * <ul>
 *   <li>keys run to the end of their line, or on to the next when a key ends with a comma;
 *   <li>a block's {@code {} may stand after the keys or on the next line; without one, the only
 *       block runs to the end of the file;
 *   <li>a directive's arguments run to the end of its line; a {@code {} ends them and opens the
 *       directive's block, whose first line may follow on the same line;
 *   <li>a {@code }} closes a block only at the start of a line (Caddy reads one after arguments
 *       as an argument, which no plugin accepts), or right after the {@code {};
 *   <li>{@code import} at the start of a line is replaced by the snippet or the files it names.
 * </ul>
 */
final class BlockParser {

  /** A server block before its keys are interpreted. */
  record RawBlock(List<LexToken> keys, List<Directive> directives) {}

  private static final Pattern ARGUMENT = Pattern.compile("\\{args\\[(\\d{1,4})]}");
  /** CoreDNS's Caddyfile parser gives up after 1,000 imports; a bound also stops a Corefile whose imports multiply. */
  private static final int MAX_IMPORTS = 1_000;
  /**
   * Blocks nest this deep at most. Caddy has no bound (Go stacks grow); here each level costs stack
   * frames, in this parser and in every reader walking the result, so a Corefile nesting blocks by
   * the thousand would end in a StackOverflowError instead of an error naming the line.
   */
  private static final int MAX_NESTING = 100;

  private final List<LexToken> tokens;
  private final Map<String, List<LexToken>> snippets = new HashMap<>();
  private final Set<Path> importedFiles = new LinkedHashSet<>();
  private final Map<String, String> env;
  private int position;
  private int imports;
  private int nesting;

  BlockParser(List<LexToken> tokens, Map<String, String> env) {
    this.tokens = new ArrayList<>(tokens);
    this.env = env;
  }

  /** Every file an import read, in the order first read. */
  List<Path> importedFiles() {
    return List.copyOf(importedFiles);
  }

  List<RawBlock> parseAll() throws ConfigException {
    List<RawBlock> blocks = new ArrayList<>();
    while (position < tokens.size()) {
      RawBlock block = parseBlock();
      if (block != null) {
        blocks.add(block);
      }
    }
    return blocks;
  }

  private RawBlock parseBlock() throws ConfigException {
    List<LexToken> keys = new ArrayList<>();
    boolean expectingAnother = false;
    while (position < tokens.size()) {
      LexToken token = tokens.get(position);
      if (!keys.isEmpty() && !expectingAnother && token.lineStart()) {
        break;
      }
      if (token.is("import") && token.lineStart()) {
        expandImport();
        continue;
      }
      if (token.is("{")) {
        if (expectingAnother) {
          throw error(token, "Expected another address but had '{' - check for extra comma");
        }
        break;
      }
      if (token.is("}")) {
        throw error(token, "Unexpected '}' because no matching opening brace");
      }
      String text = token.text();
      expectingAnother = text.endsWith(",");
      if (expectingAnother) {
        text = text.substring(0, text.length() - 1);
      }
      if (!text.isEmpty()) {
        keys.add(token.withText(text));
      }
      position++;
    }
    if (expectingAnother) {
      throw error(tokens.get(tokens.size() - 1), "Unexpected EOF: expected another address after ','");
    }
    if (keys.isEmpty()) {
      if (position < tokens.size() && tokens.get(position).is("{")) {
        // A block without addresses (a Corefile starting with '{', or only "" keys): Caddy
        // parses its lines and then drops it, as parseAll keeps blocks with keys only.
        LexToken open = tokens.get(position++);
        parseLines(open);
      }
      return null;
    }
    String first = keys.get(0).text();
    if (keys.size() == 1 && first.startsWith("(") && first.endsWith(")")) {
      defineSnippet(keys.get(0), first.substring(1, first.length() - 1));
      return null;
    }
    if (position < tokens.size() && tokens.get(position).is("{")) {
      LexToken open = tokens.get(position);
      position++;
      return new RawBlock(keys, parseLines(open));
    }
    return new RawBlock(keys, parseLines(null));
  }

  private void defineSnippet(LexToken key, String name) throws ConfigException {
    if (snippets.containsKey(name)) {
      throw error(key, "redeclaration of previously declared snippet " + name);
    }
    if (position >= tokens.size() || !tokens.get(position).is("{")) {
      String found = position < tokens.size() ? tokens.get(position).text() : "EOF";
      throw error(
          position < tokens.size() ? tokens.get(position) : key,
          "Syntax error: Unexpected token '" + found + "', expecting '{'");
    }
    LexToken open = tokens.get(position++);
    List<LexToken> body = new ArrayList<>();
    int depth = 1;
    while (position < tokens.size()) {
      LexToken token = tokens.get(position++);
      if (token.is("{")) {
        depth++;
      } else if (token.is("}") && --depth == 0) {
        snippets.put(name, body);
        return;
      }
      body.add(token);
    }
    throw error(open, "Unexpected EOF: the '{' opened here is never closed");
  }

  /**
   * The directive lines up to the {@code }} that closes {@code open}, or to the end of the
   * input when {@code open} is {@code null}.
   */
  private List<Directive> parseLines(LexToken open) throws ConfigException {
    markLineStart();
    List<Directive> lines = new ArrayList<>();
    while (true) {
      if (position >= tokens.size()) {
        if (open != null) {
          throw error(open, "Unexpected EOF: the '{' opened here is never closed");
        }
        return lines;
      }
      LexToken name = tokens.get(position);
      if (name.is("}")) {
        if (open == null) {
          throw error(name, "Unexpected '}' because no matching opening brace");
        }
        position++;
        return lines;
      }
      if (name.is("{")) {
        throw error(name, "Unexpected '{': a block opens at the end of its directive's line");
      }
      if (name.is("import")) {
        expandImport();
        continue;
      }
      position++;
      lines.add(parseLine(name));
    }
  }

  private Directive parseLine(LexToken name) throws ConfigException {
    List<Token> args = new ArrayList<>();
    while (position < tokens.size() && !tokens.get(position).lineStart()) {
      LexToken token = tokens.get(position);
      if (token.is("}")) {
        throw error(token, "Unexpected '}' because no matching opening brace");
      }
      position++;
      if (token.is("{")) {
        if (++nesting > MAX_NESTING) {
          throw error(token, "blocks nested more than " + MAX_NESTING + " deep");
        }
        List<Directive> block = parseLines(token);
        nesting--;
        if (position < tokens.size() && !tokens.get(position).lineStart()) {
          LexToken extra = tokens.get(position);
          throw error(extra, "Unexpected '" + extra.text() + "' after '}': expected a new line");
        }
        return new Directive(name.token(), List.copyOf(args), List.copyOf(block));
      }
      args.add(token.token());
    }
    return new Directive(name.token(), List.copyOf(args), List.of());
  }

  /** The word after a {@code {} starts a line, as Caddy's dispenser reads it. */
  private void markLineStart() {
    if (position < tokens.size()) {
      tokens.set(position, tokens.get(position).startingLine());
    }
  }

  /**
   * Replaces the {@code import} line at the cursor by the tokens it names and leaves the cursor
   * on the first of them.
   */
  private void expandImport() throws ConfigException {
    LexToken keyword = tokens.get(position);
    int start = position;
    position++;
    List<String> args = new ArrayList<>();
    while (position < tokens.size() && !tokens.get(position).lineStart()) {
      args.add(tokens.get(position++).text());
    }
    if (args.isEmpty()) {
      throw error(keyword, "Wrong argument count or unexpected line ending after 'import'");
    }
    String pattern = args.get(0);
    List<String> importArgs = args.subList(1, args.size());
    if (pattern.isEmpty()) {
      throw error(keyword, "Import requires a non-empty filepath");
    }
    if (++imports > MAX_IMPORTS) {
      throw error(keyword, "maximum import depth (" + MAX_IMPORTS + ") exceeded");
    }
    List<LexToken> replacement = new ArrayList<>();
    if (snippets.containsKey(pattern)) {
      List<String> chain = chain(keyword, "(" + pattern + ")");
      for (LexToken token : snippets.get(pattern)) {
        replacement.add(substitute(token.importedThrough(chain), keyword, pattern, importArgs));
      }
    } else {
      for (Path file : ImportResolver.resolve(pattern, keyword.directory(), keyword.location())) {
        List<String> chain = chain(keyword, file.toString());
        importedFiles.add(file);
        for (LexToken token : read(file, keyword, chain)) {
          replacement.add(substitute(token, keyword, pattern, importArgs));
        }
      }
    }
    if (!replacement.isEmpty()) {
      replacement.set(0, replacement.get(0).startingLine());
    }
    List<LexToken> span = tokens.subList(start, position);
    span.clear();
    span.addAll(replacement);
    position = start;
  }

  private static List<String> chain(LexToken keyword, String target) throws ConfigException {
    List<String> chain = new ArrayList<>(keyword.importChain());
    boolean cycle = chain.contains(target);
    chain.add(target);
    if (cycle) {
      throw error(keyword, "import cycle: " + String.join(" -> ", chain));
    }
    return List.copyOf(chain);
  }

  private List<LexToken> read(Path file, LexToken keyword, List<String> chain) throws ConfigException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw error(keyword, "Could not import " + file + ": " + e);
    }
    return Lexer.tokenize(
        EnvironmentSubstitution.apply(text, env), file.toString(), file.getParent(), chain);
  }

  /** Replaces {@code {args[N]}} by the N-th argument written after the import's pattern. */
  private static LexToken substitute(
      LexToken token, LexToken keyword, String pattern, List<String> args) throws ConfigException {
    Matcher matcher = ARGUMENT.matcher(token.text());
    if (!matcher.find()) {
      return token;
    }
    StringBuilder out = new StringBuilder();
    do {
      int index = Integer.parseInt(matcher.group(1));
      if (index >= args.size()) {
        throw error(
            keyword,
            "import " + pattern + ": " + matcher.group() + " is out of range, "
                + args.size() + " argument(s) given");
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(args.get(index)));
    } while (matcher.find());
    matcher.appendTail(out);
    return token.withText(out.toString());
  }

  private static ConfigException error(LexToken at, String message) {
    return error(at.location(), message);
  }

  private static ConfigException error(Location at, String message) {
    return new ConfigException(at, null, message);
  }
}
