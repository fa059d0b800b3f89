package dev.corvus.dns.plugin.dnstap;

import dev.corvus.dns.api.Request;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Type;

/**
 * The {@code extra} field's template: text with CoreDNS replacer placeholders. Metadata labels
 * ({@code {/forward/upstream}}) and the request placeholders {@code {name}}, {@code {type}},
 * {@code {class}}, {@code {proto}}, {@code {remote}}, {@code {port}} are replaced per message; any
 * other text is kept as written. A template without placeholders is encoded once.
 */
final class ExtraTemplate {

  private sealed interface Part permits Text, Placeholder, Metadata {}

  private record Text(String text) implements Part {}

  private record Placeholder(String name) implements Part {}

  private record Metadata(String label) implements Part {}

  private static final List<String> PLACEHOLDERS = List.of("name", "type", "class", "proto", "remote", "port");

  private final List<Part> parts;
  private final byte[] constant;

  private ExtraTemplate(List<Part> parts) {
    this.parts = parts;
    this.constant =
        parts.stream().allMatch(p -> p instanceof Text)
            ? String.join("", parts.stream().map(p -> ((Text) p).text()).toList()).getBytes(StandardCharsets.UTF_8)
            : null;
  }

  static ExtraTemplate parse(String template) {
    List<Part> parts = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      int close = c == '{' ? template.indexOf('}', i) : -1;
      if (close > i + 1) {
        String inside = template.substring(i + 1, close);
        Part part = null;
        if (inside.startsWith("/") && inside.length() > 1) {
          part = new Metadata(inside.substring(1));
        } else if (PLACEHOLDERS.contains(inside)) {
          part = new Placeholder(inside);
        }
        if (part != null) {
          if (text.length() > 0) {
            parts.add(new Text(text.toString()));
            text.setLength(0);
          }
          parts.add(part);
          i = close + 1;
          continue;
        }
      }
      text.append(c);
      i++;
    }
    if (text.length() > 0) {
      parts.add(new Text(text.toString()));
    }
    return new ExtraTemplate(List.copyOf(parts));
  }

  /** The field for {@code request}: placeholders replaced, metadata not published becomes {@code -}. */
  byte[] render(Request request) {
    if (constant != null) {
      return constant;
    }
    StringBuilder out = new StringBuilder();
    for (Part part : parts) {
      if (part instanceof Text t) {
        out.append(t.text());
      } else if (part instanceof Metadata m) {
        out.append(request.context().metadata(m.label()).orElse("-"));
      } else {
        out.append(placeholder(((Placeholder) part).name(), request));
      }
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String placeholder(String name, Request request) {
    return switch (name) {
      case "name" -> request.qname().toString();
      case "type" -> Type.string(request.qtype());
      case "class" -> DClass.string(request.qclass());
      case "proto" -> request.transport().protocolLabel();
      case "remote" -> request.client().getAddress().getHostAddress();
      default -> Integer.toString(request.client().getPort());
    };
  }
}
