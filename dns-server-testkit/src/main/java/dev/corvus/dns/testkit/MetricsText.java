package dev.corvus.dns.testkit;

import dev.corvus.dns.api.metrics.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parser for the Prometheus text exposition format 0.0.4, for tests that read what a registry
 * writes ({@link #scrape(Metrics)}, {@link PluginTestKit#scrape()}) or scrape a {@code /metrics}
 * endpoint: samples with their labels, and the TYPE of every family. Histograms are read through
 * their samples, e.g. {@code sum("coredns_dns_request_duration_seconds_count", Map.of("server",
 * "dns://:53"))}.
 */
public final class MetricsText {

  /**
   * One sample line.
   *
   * @param name the sample's name, e.g. {@code coredns_cache_hits_total}
   * @param labels its labels in the order written
   * @param value its value
   */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;
  private final Map<String, String> types;

  private MetricsText(List<Sample> samples, Map<String, String> types) {
    this.samples = samples;
    this.types = types;
  }

  /** What {@code metrics} writes now, parsed. */
  public static MetricsText scrape(Metrics metrics) {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    try {
      metrics.writeText(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return parse(text.toString(StandardCharsets.UTF_8));
  }

  /** Parses a whole exposition; fails on a malformed line. */
  public static MetricsText parse(String text) {
    List<Sample> samples = new ArrayList<>();
    Map<String, String> types = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("#")) {
        String[] parts = line.split(" ", 4);
        if (parts.length >= 4 && parts[1].equals("TYPE")) {
          types.put(parts[2], parts[3].trim());
        }
        continue;
      }
      samples.add(parseSample(line));
    }
    return new MetricsText(samples, types);
  }

  private static Sample parseSample(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        String label = line.substring(i, eq).trim();
        if (line.charAt(eq + 1) != '"') {
          throw new IllegalArgumentException("label value not quoted: " + line);
        }
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        for (; line.charAt(j) != '"'; j++) {
          char c = line.charAt(j);
          if (c == '\\') {
            char n = line.charAt(++j);
            value.append(n == 'n' ? '\n' : n);
          } else {
            value.append(c);
          }
        }
        labels.put(label, value.toString());
        i = j + 1;
        if (line.charAt(i) == ',') {
          i++;
        }
      }
      i++;
    }
    String[] rest = line.substring(i).trim().split("\\s+");
    return new Sample(name, labels, parseValue(rest[0]));
  }

  private static double parseValue(String text) {
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(text);
    };
  }

  /** The TYPE line of a family, or {@code null}. */
  public String type(String family) {
    return types.get(family);
  }

  /** Every sample named {@code name}. */
  public List<Sample> samples(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  /** The sum of every sample named {@code name}; 0 when there is none. */
  public double sum(String name) {
    return sum(name, Map.of());
  }

  /** The sum of the samples named {@code name} whose labels include {@code match}. */
  public double sum(String name, Map<String, String> match) {
    return samples(name).stream()
        .filter(s -> s.labels().entrySet().containsAll(match.entrySet()))
        .mapToDouble(Sample::value)
        .sum();
  }
}
