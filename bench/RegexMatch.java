import java.util.List;

/**
 * Per-name cost of a rewrite {@code name regex} match (NameMatch.Regex: find, then every group),
 * java.util.regex vs RE2J, interleaved in one JVM, one thread.
 *
 *   java -cp ~/.m2/repository/com/google/re2j/re2j/1.8/re2j-1.8.jar bench/RegexMatch.java [SECONDS [REGEX]]
 */
public class RegexMatch {
  static final String PATTERN = "(.*)-(us-west-1)\\.example\\.org";  // rewrite's README example
  static final List<String> NAMES = List.of("foo-us-west-1.example.org.", "www.example.org.",
      "a-much-longer-host-name-0001-us-west-1.example.org.", "nothing.to.see.example.net.");

  static int jdk(java.util.regex.Pattern p, String name) {
    java.util.regex.Matcher m = p.matcher(name);
    if (!m.find()) return 0;
    int n = 0;
    for (int i = 0; i <= m.groupCount(); i++) n += m.group(i) == null ? 0 : m.group(i).length();
    return n;
  }

  static int re2j(com.google.re2j.Pattern p, String name) {
    com.google.re2j.Matcher m = p.matcher(name);
    if (!m.find()) return 0;
    int n = 0;
    for (int i = 0; i <= m.groupCount(); i++) n += m.group(i) == null ? 0 : m.group(i).length();
    return n;
  }

  public static void main(String[] args) {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
    String pattern = args.length > 1 ? args[1] : PATTERN;
    System.out.println("pattern " + pattern);
    java.util.regex.Pattern j = java.util.regex.Pattern.compile(pattern);
    com.google.re2j.Pattern r = com.google.re2j.Pattern.compile(pattern);
    long sink = 0;
    for (int round = 0; round < 4; round++) {
      for (int engine = 0; engine < 2; engine++) {
        long ops = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        while (System.nanoTime() < end) {
          for (int k = 0; k < 1000; k++) {
            String name = NAMES.get(k & 3);
            sink += engine == 0 ? jdk(j, name) : re2j(r, name);
          }
          ops += 1000;
        }
        double ns = (System.nanoTime() - start) / (double) ops;
        System.out.printf("round %d %-15s %8.1f ns/name%s%n", round, engine == 0 ? "java.util.regex" : "re2j",
            ns, round == 0 ? " (warm-up)" : "");
      }
    }
    System.out.println("sink " + sink);
  }
}
