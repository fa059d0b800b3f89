package dev.corvus.dns.server.suite;

import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.net.HostPort;
import dev.corvus.dns.server.corefile.Suggestions;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a test file of {@code corvus test}. The YAML is composed into nodes, which keep their
 * line, rather than bound to objects, so that every error names its line; unknown keys get a
 * did-you-mean. Every error of a file is reported, not just the first, as {@code corvus check}
 * does for a Corefile.
 *
 * <p>This class and its package are the only users of SnakeYAML in the server: it is loaded only
 * when {@code corvus test} runs.
 */
public final class TestFileReader {

  static final List<String> FILE_KEYS = List.of("corefile", "server", "tests");
  static final List<String> CASE_KEYS =
      List.of("name", "query", "server", "client", "transport", "edns", "bufsize", "dnssec", "expect");
  static final List<String> EXPECT_KEYS = List.of("rcode", "answer", "authority", "additional", "ordered",
      "answer_contains", "flags", "ttl_max", "answer_count", "no_response");
  /** The header flags a case can test, and {@code do}: the DO bit of the response's OPT record. */
  static final List<String> FLAGS = List.of("qr", "aa", "tc", "rd", "ra", "ad", "cd", "do");

  /** The client of a case that names none: loopback, from the first port of the ephemeral range. */
  static final InetSocketAddress DEFAULT_CLIENT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 49152);
  /** The payload size a query advertises unless the case says otherwise: dig's, the DNS flag day 2020 value. */
  static final int DEFAULT_BUFSIZE = 1232;

  private final Path path;
  /** Problems by line; reported in line order, those of one line in the order found. */
  private final List<Map.Entry<Integer, String>> problems = new ArrayList<>();

  private TestFileReader(Path path) {
    this.path = path;
  }

  /** A test file that cannot be run as written: every problem, each a line {@code file:line: key: message}. */
  public static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    Invalid(List<String> problems) {
      super(String.join("\n", problems), null, false, false);
      this.problems = List.copyOf(problems);
    }

    /** The problems, in file order. */
    public List<String> problems() {
      return problems;
    }
  }

  /**
   * Reads and validates {@code path}.
   *
   * @throws IOException when it cannot be read
   * @throws Invalid when it is not a valid test file
   */
  public static TestFile read(Path path) throws IOException, Invalid {
    return read(path, Files.readString(path, StandardCharsets.UTF_8));
  }

  /** Reads {@code text} as the content of {@code path}. */
  static TestFile read(Path path, String text) throws Invalid {
    TestFileReader reader = new TestFileReader(path);
    TestFile file = reader.file(text);
    if (!reader.problems.isEmpty()) {
      throw new Invalid(reader.problems.stream().sorted(Map.Entry.comparingByKey()).map(Map.Entry::getValue).toList());
    }
    return file;
  }

  private TestFile file(String text) {
    Node root;
    try {
      root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String what = e.getProblem() != null ? e.getProblem() : e.getContext();
      // At the end of the stream the mark is on the line after the last one.
      int lines = Math.max(1, text.stripTrailing().split("\n", -1).length);
      report(mark == null ? 1 : Math.min(mark.getLine() + 1, lines), "not valid YAML: " + what);
      return null;
    } catch (YAMLException e) {
      report(1, "not valid YAML: " + e.getMessage());
      return null;
    }
    if (!(root instanceof MappingNode mapping)) {
      report(root == null ? 1 : line(root), "expected a mapping with the keys corefile and tests");
      return null;
    }
    Fields fields = new Fields(mapping, null, FILE_KEYS);
    Path corefile = corefile(fields);
    TestFile.Located server = fields.has("server") ? new TestFile.Located(scalar(fields, "server"), fields.line("server")) : null;
    List<TestFile.Case> cases = new ArrayList<>();
    Node tests = fields.require("tests", "the cases to run");
    if (tests instanceof SequenceNode sequence && !sequence.getValue().isEmpty()) {
      for (Node entry : sequence.getValue()) {
        TestFile.Case testCase = testCase(entry);
        if (testCase != null) {
          cases.add(testCase);
        }
      }
    } else if (tests != null) {
      problem(tests, "tests", "expected a list of cases, each with a query and what to expect");
    }
    return problems.isEmpty() ? new TestFile(path, corefile, server, cases) : null;
  }

  private Path corefile(Fields fields) {
    if (fields.require("corefile", "the Corefile to test, relative to this file") == null) {
      return null;
    }
    String name = scalar(fields, "corefile");
    if (name == null) {
      return null;
    }
    // Relative to the test file; relative to the working directory when the test file's path is,
    // so that messages name it as the user would (conf/Corefile, not /home/.../conf/Corefile).
    Path directory = path.getParent();
    Path corefile;
    try {
      corefile = (directory == null ? Path.of(name) : directory.resolve(name)).normalize();
    } catch (InvalidPathException e) {
      problem(fields.node("corefile"), "corefile", "not a path: " + e.getReason());
      return null;
    }
    if (!Files.isRegularFile(corefile)) {
      problem(fields.node("corefile"), "corefile", "cannot read " + corefile + ": "
          + (Files.exists(corefile) ? "not a file" : "no such file"));
    }
    return corefile;
  }

  private TestFile.Case testCase(Node entry) {
    if (!(entry instanceof MappingNode mapping)) {
      problem(entry, "tests", "expected a case: a mapping with query and expect");
      return null;
    }
    int errors = problems.size();
    Fields fields = new Fields(mapping, null, CASE_KEYS);
    TestFile.Query query = query(fields);
    TestFile.Expect expect = expect(fields);
    String name = fields.has("name") ? scalar(fields, "name") : null;
    if (problems.size() > errors || query == null || expect == null) {
      return null;
    }
    return new TestFile.Case(name == null ? query.question() : name, line(mapping), query, expect);
  }

  private TestFile.Query query(Fields fields) {
    if (fields.require("query", "the question, NAME [TYPE]") == null) {
      return null;
    }
    String text = scalar(fields, "query");
    if (text == null) {
      return null;
    }
    String[] words = text.trim().split("\\s+");
    Name name = null;
    int type = Type.A;
    int dclass = DClass.IN;
    try {
      if (words.length > 3 || words[0].isEmpty()) {
        throw new RecordFormat.Invalid("expected NAME [TYPE] or NAME CLASS TYPE, e.g. \"www.example.org AAAA\"");
      }
      name = RecordFormat.name(words[0]);
      if (words.length == 2) {
        type = RecordFormat.type(words[1]);
      } else if (words.length == 3) {
        dclass = RecordFormat.dclass(words[1]);
        type = RecordFormat.type(words[2]);
      }
    } catch (RecordFormat.Invalid e) {
      problem(fields.node("query"), "query", e.getMessage());
    }
    TestFile.Located server = fields.has("server") ? new TestFile.Located(scalar(fields, "server"), fields.line("server")) : null;
    InetSocketAddress client = fields.has("client") ? client(fields) : DEFAULT_CLIENT;
    TestFile.Located transport = null;
    if (fields.has("transport")) {
      String value = scalar(fields, "transport");
      if (value != null) {
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.equals("udp") || lower.equals("tcp")) {
          transport = new TestFile.Located(lower, fields.line("transport"));
        } else {
          problem(fields.node("transport"), "transport", "expected udp or tcp, not \"" + value + "\"");
        }
      }
    }
    Boolean dnssec = fields.has("dnssec") ? bool(fields, "dnssec") : Boolean.FALSE;
    Integer bufsize = fields.has("bufsize") ? integer(fields, "bufsize", 0, 65535) : (Integer) DEFAULT_BUFSIZE;
    Boolean edns = fields.has("edns") ? bool(fields, "edns") : Boolean.TRUE;
    if (Boolean.FALSE.equals(edns) && (fields.has("dnssec") || fields.has("bufsize"))) {
      problem(fields.node("edns"), "edns", "a query without EDNS has no " + (fields.has("dnssec") ? "DO bit" : "payload size")
          + "; leave out " + (fields.has("dnssec") ? "dnssec" : "bufsize") + " or edns");
    }
    if (name == null || client == null || dnssec == null || bufsize == null || edns == null) {
      return null;
    }
    return new TestFile.Query(name, type, dclass, server, client, transport, edns, bufsize, dnssec);
  }

  private InetSocketAddress client(Fields fields) {
    String text = scalar(fields, "client");
    if (text == null) {
      return null;
    }
    try {
      HostPort hostPort = HostPort.parse(text, DEFAULT_CLIENT.getPort());
      return new InetSocketAddress(Names.parseAddressLiteral(hostPort.host()), hostPort.port());
    } catch (IllegalArgumentException e) {
      problem(fields.node("client"), "client", "expected an IP address, optionally with a port (10.0.0.1, "
          + "10.0.0.1:5353, [2001:db8::1]:5353), not \"" + text + "\"");
      return null;
    }
  }

  private TestFile.Expect expect(Fields caseFields) {
    Node node = caseFields.require("expect", "what the response must be");
    if (node == null) {
      return null;
    }
    if (!(node instanceof MappingNode mapping)) {
      problem(node, "expect", "expected a mapping, e.g. { rcode: NOERROR }");
      return null;
    }
    Fields fields = new Fields(mapping, "expect", EXPECT_KEYS);
    if (fields.keys().isEmpty()) {
      problem(node, "expect", "nothing to check; give at least one of " + String.join(", ", EXPECT_KEYS));
      return null;
    }
    Integer rcode = fields.has("rcode") ? rcode(fields) : null;
    List<TestFile.ExpectedRecord> answer = fields.has("answer") ? records(fields, "answer") : null;
    List<TestFile.ExpectedRecord> authority = fields.has("authority") ? records(fields, "authority") : null;
    List<TestFile.ExpectedRecord> additional = fields.has("additional") ? records(fields, "additional") : null;
    List<TestFile.ExpectedRecord> contains = fields.has("answer_contains") ? records(fields, "answer_contains") : null;
    Boolean ordered = fields.has("ordered") ? bool(fields, "ordered") : Boolean.FALSE;
    if (fields.has("ordered") && !fields.has("answer") && !fields.has("authority") && !fields.has("additional")) {
      problem(fields.node("ordered"), "expect", "ordered applies to answer, authority and additional; none is given");
    }
    Map<String, Boolean> flags = fields.has("flags") ? flags(fields) : Map.of();
    Long ttlMax = fields.has("ttl_max") ? ttl(fields) : null;
    Integer answerCount = fields.has("answer_count") ? integer(fields, "answer_count", 0, 65535) : null;
    Boolean noResponse = fields.has("no_response") ? bool(fields, "no_response") : Boolean.FALSE;
    if (Boolean.TRUE.equals(noResponse) && fields.keys().size() > 1) {
      problem(fields.node("no_response"), "expect", "no_response: true means nothing comes back; "
          + "it cannot be combined with " + String.join(", ", fields.keys().stream().filter(k -> !k.equals("no_response")).toList()));
    }
    if (ordered == null || flags == null || noResponse == null) {
      return null;
    }
    return new TestFile.Expect(rcode, answer, authority, additional, ordered, contains, flags, ttlMax, answerCount,
        noResponse);
  }

  private Integer rcode(Fields fields) {
    String text = scalar(fields, "rcode");
    if (text == null) {
      return null;
    }
    String upper = text.toUpperCase(Locale.ROOT);
    List<String> names = new ArrayList<>();
    for (int code = 0; code < 24; code++) {
      String name = Rcode.string(code);
      if (!name.matches("RESERVED.*|[0-9]+")) {
        names.add(name);
      }
    }
    if (!names.contains(upper)) {
      String closest = Suggestions.closest(upper, names);
      problem(fields.node("rcode"), "rcode", "unknown rcode \"" + text + "\""
          + (closest == null ? "; expected one of " + String.join(", ", names.subList(0, 6)) + ", ..."
              : ", did you mean \"" + closest + "\"?"));
      return null;
    }
    return Rcode.value(upper);
  }

  private List<TestFile.ExpectedRecord> records(Fields fields, String key) {
    Node node = fields.node(key);
    if (!(node instanceof SequenceNode sequence)) {
      problem(node, key, "expected a list of records in zone-file syntax, e.g. [\"www.example.org. 300 IN A 192.0.2.1\"]");
      return null;
    }
    List<TestFile.ExpectedRecord> records = new ArrayList<>();
    for (Node item : sequence.getValue()) {
      if (!(item instanceof ScalarNode scalar) || scalar.getTag().equals(Tag.NULL)) {
        problem(item, key, "expected a record in zone-file syntax, e.g. \"www.example.org. 300 IN A 192.0.2.1\"");
        continue;
      }
      try {
        records.add(RecordFormat.parse(scalar.getValue()));
      } catch (RecordFormat.Invalid e) {
        problem(item, key, e.getMessage());
      }
    }
    return records;
  }

  private Map<String, Boolean> flags(Fields fields) {
    Node node = fields.node("flags");
    List<String> words = new ArrayList<>();
    if (node instanceof SequenceNode sequence) {
      for (Node item : sequence.getValue()) {
        if (item instanceof ScalarNode scalar) {
          words.add(scalar.getValue().trim());
        } else {
          problem(item, "flags", "expected a flag such as aa, or -aa for a flag that must be clear");
        }
      }
    } else if (node instanceof ScalarNode scalar && !scalar.getTag().equals(Tag.NULL)) {
      words.addAll(List.of(scalar.getValue().trim().split("[\\s,]+")));
    } else {
      problem(node, "flags", "expected a list of flags, e.g. [aa, ra, -tc]");
      return null;
    }
    Map<String, Boolean> flags = new LinkedHashMap<>();
    for (String word : words) {
      boolean clear = word.startsWith("-");
      String flag = (clear ? word.substring(1) : word).toLowerCase(Locale.ROOT);
      if (!FLAGS.contains(flag)) {
        String closest = Suggestions.closest(flag, FLAGS);
        problem(node, "flags", "unknown flag \"" + word + "\""
            + (closest == null ? "; expected " + String.join(", ", FLAGS) + " (-FLAG: must be clear)"
                : ", did you mean \"" + (clear ? "-" : "") + closest + "\"?"));
        continue;
      }
      if (flags.put(flag, !clear) != null) {
        problem(node, "flags", "\"" + flag + "\" is named twice");
      }
    }
    return flags;
  }

  private Long ttl(Fields fields) {
    Integer seconds = integer(fields, "ttl_max", 0, Integer.MAX_VALUE);
    return seconds == null ? null : seconds.longValue();
  }

  // ---- typed values ----

  private String scalar(Fields fields, String key) {
    Node node = fields.node(key);
    if (node instanceof ScalarNode scalar && !scalar.getTag().equals(Tag.NULL)) {
      return scalar.getValue();
    }
    problem(node, key, node instanceof ScalarNode ? "a value is missing" : "expected a single value, not a "
        + (node instanceof SequenceNode ? "list" : "mapping"));
    return null;
  }

  private Boolean bool(Fields fields, String key) {
    Node node = fields.node(key);
    if (node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.BOOL)) {
      return switch (scalar.getValue().toLowerCase(Locale.ROOT)) {
        case "true", "yes", "on", "y" -> true;
        default -> false;
      };
    }
    problem(node, key, "expected true or false");
    return null;
  }

  private Integer integer(Fields fields, String key, int min, int max) {
    Node node = fields.node(key);
    if (node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.INT)) {
      try {
        long value = Long.parseLong(scalar.getValue().replace("_", ""));
        if (value >= min && value <= max) {
          return (int) value;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    problem(node, key, "expected a whole number from " + min + " to " + max);
    return null;
  }

  private void report(int line, String message) {
    problems.add(Map.entry(line, path + ":" + line + ": " + message));
  }

  private void problem(Node node, String key, String message) {
    report(line(node), key + ": " + message);
  }

  private static int line(Node node) {
    return node.getStartMark().getLine() + 1;
  }

  /** The keys of one mapping, checked against those known: unknown and repeated keys are errors. */
  private final class Fields {
    private final MappingNode mapping;
    private final String context;
    private final Map<String, NodeTuple> byKey = new LinkedHashMap<>();

    Fields(MappingNode mapping, String context, List<String> known) {
      this.mapping = mapping;
      this.context = context;
      for (NodeTuple tuple : mapping.getValue()) {
        Node keyNode = tuple.getKeyNode();
        String key = keyNode instanceof ScalarNode scalar ? scalar.getValue() : null;
        String where = context == null ? "" : context + ": ";
        if (key == null) {
          report(TestFileReader.line(keyNode), where + "expected a key such as " + known.get(0));
        } else if (!known.contains(key)) {
          String closest = Suggestions.closest(key, known);
          report(TestFileReader.line(keyNode), where + "unknown key \"" + key + "\""
              + (closest == null ? "; expected " + String.join(", ", known) : ", did you mean \"" + closest + "\"?"));
        } else if (byKey.putIfAbsent(key, tuple) != null) {
          report(TestFileReader.line(keyNode), where + "\"" + key + "\" is given twice (first on line "
              + TestFileReader.line(byKey.get(key).getKeyNode()) + ")");
        }
      }
    }

    boolean has(String key) {
      return byKey.containsKey(key);
    }

    List<String> keys() {
      return List.copyOf(byKey.keySet());
    }

    Node node(String key) {
      return byKey.get(key).getValueNode();
    }

    int line(String key) {
      return TestFileReader.line(byKey.get(key).getKeyNode());
    }

    /** The value of {@code key}, or {@code null} after reporting that it is missing. */
    Node require(String key, String what) {
      if (!has(key)) {
        String where = context == null ? "" : context + ": ";
        report(TestFileReader.line(mapping), where + "missing " + key + " (" + what + ")");
        return null;
      }
      return node(key);
    }
  }
}
