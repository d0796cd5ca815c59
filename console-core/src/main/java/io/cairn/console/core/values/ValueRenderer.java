package io.cairn.console.core.values;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Renders key values for display. Values of any size are accepted but only the first
 * {@link #MAX_RENDERED_BYTES} are rendered (and the text says so); a hex dump shows at most
 * {@link #MAX_HEX_BYTES}. Pure functions, safe from any thread.
 */
public final class ValueRenderer {
  /** Only this much of a value is rendered as text, JSON or YAML. */
  public static final int MAX_RENDERED_BYTES = 1 << 20;
  /** A hex dump stops after this many bytes (4,096 lines) and says how many were left out. */
  public static final int MAX_HEX_BYTES = 64 * 1024;

  // Exact decimals so that pretty-printing never changes a number's digits.
  private static final ObjectMapper JSON = JsonMapper.builder()
      .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private ValueRenderer() {}

  /** Picks the best format: JSON object/array, then structured YAML, then text, then hex. */
  public static RenderedValue render(byte[] value) {
    Analysis a = analyse(value);
    Format f = a.available.get(0);
    return switch (f) {
      case JSON -> new RenderedValue(f, a.note + a.json, a.utf8, a.available);
      case YAML -> new RenderedValue(f, a.note + a.yaml, a.utf8, a.available);
      case TEXT -> new RenderedValue(f, a.note + a.text, a.utf8, a.available);
      case HEX -> new RenderedValue(f, hexDump(value), a.utf8, a.available);
    };
  }

  /** Renders in format {@code f}; when the value cannot be shown that way, {@code text} says why. */
  public static RenderedValue render(byte[] value, Format f) {
    Analysis a = analyse(value);
    String text = switch (f) {
      case HEX -> hexDump(value);
      case TEXT -> a.utf8 ? a.note + a.text : "Not valid UTF-8 text: choose HEX to see the bytes.";
      case JSON -> a.json != null ? a.note + a.json
          : "Not a JSON document" + (a.note.isEmpty() ? "" : " (only the first 1 MiB was read)")
              + ": " + a.jsonError;
      case YAML -> a.yaml != null ? a.note + a.yaml
          : "Not a YAML map or list" + (a.note.isEmpty() ? "" : " (only the first 1 MiB was read)")
              + ".";
    };
    return new RenderedValue(f, text, a.utf8, a.available);
  }

  /** Whether {@code value} is valid UTF-8 made of printable characters (tab and newlines allowed). */
  public static boolean isText(byte[] value) {
    return isText(value, value.length);
  }

  /**
   * A key for display: printable UTF-8 keys as they are; otherwise every byte that is not part of a
   * printable UTF-8 character, and every backslash, as {@code \xNN}, so the text is unambiguous.
   */
  public static String displayKey(byte[] key) {
    if (isText(key)) {
      return new String(key, StandardCharsets.UTF_8);
    }
    StringBuilder sb = new StringBuilder(key.length + 16);
    for (int i = 0; i < key.length; ) {
      int len = Utf8.sequenceLength(key, i, key.length);
      int cp = len == 0 ? -1 : Utf8.codePoint(key, i, len);
      if (len == 0 || !Utf8.isPrintable(cp) || cp == '\\' || cp == '\n' || cp == '\r'
          || cp == '\t') {
        sb.append(String.format("\\x%02x", key[i] & 0xff));
        i++;
      } else {
        sb.appendCodePoint(cp);
        i += len;
      }
    }
    return sb.toString();
  }

  /**
   * A classic hex dump: offset, 16 bytes in hex (two groups of 8), the printable ASCII column;
   * at most {@link #MAX_HEX_BYTES}, then a line with how many bytes were left out.
   */
  public static String hexDump(byte[] value) {
    int shown = Math.min(value.length, MAX_HEX_BYTES);
    StringBuilder sb = new StringBuilder((shown / 16 + 2) * 78);
    for (int off = 0; off < shown; off += 16) {
      sb.append(String.format("%08x  ", off));
      for (int k = 0; k < 16; k++) {
        if (off + k < shown) {
          sb.append(Character.forDigit((value[off + k] >> 4) & 0xf, 16))
              .append(Character.forDigit(value[off + k] & 0xf, 16)).append(' ');
        } else {
          sb.append("   ");
        }
        if (k == 7) {
          sb.append(' ');
        }
      }
      sb.append(" |");
      for (int k = 0; k < 16 && off + k < shown; k++) {
        int c = value[off + k] & 0xff;
        sb.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
      }
      sb.append("|\n");
    }
    if (value.length > shown) {
      sb.append("… ").append(value.length - shown).append(" more bytes\n");
    }
    return sb.toString();
  }

  private static boolean isText(byte[] b, int limit) {
    for (int i = 0; i < limit; ) {
      int len = Utf8.sequenceLength(b, i, limit);
      if (len == 0 || !Utf8.isPrintable(Utf8.codePoint(b, i, len))) {
        return false;
      }
      i += len;
    }
    return true;
  }

  /** Everything the formats need, computed once on the first 1 MiB. */
  private record Analysis(
      boolean utf8, String note, String text, String json, String jsonError, String yaml,
      List<Format> available) {}

  private static Analysis analyse(byte[] value) {
    int limit = Utf8.boundary(value, MAX_RENDERED_BYTES);
    String note = limit < value.length
        ? "[showing the first " + limit + " of " + value.length + " bytes]\n" : "";
    boolean utf8 = Utf8.isValid(value, limit);
    boolean printable = utf8 && isText(value, limit);
    String text = utf8 ? new String(value, 0, limit, StandardCharsets.UTF_8) : null;
    String json = null;
    String jsonError = "not UTF-8 text";
    String yaml = null;
    if (utf8) {
      try {
        json = prettyJson(text);
        jsonError = json == null ? "not an object or array" : null;
      } catch (JsonProcessingException e) {
        jsonError = e.getOriginalMessage();
      }
      if (json == null) {
        yaml = prettyYaml(text).orElse(null);
      }
    }
    // In order of preference: the first is what render(value) picks.
    List<Format> available = new ArrayList<>(4);
    if (json != null) {
      available.add(Format.JSON);
    }
    if (yaml != null) {
      available.add(Format.YAML);
    }
    if (printable) {
      available.add(Format.TEXT);
    }
    available.add(Format.HEX);
    if (utf8 && !printable) {
      // Valid UTF-8 with control characters: shown as hex, but text stays a choice.
      available.add(Format.TEXT);
    }
    return new Analysis(utf8, note, text, json, jsonError, yaml, available);
  }

  /** Pretty JSON for an object or array; null for a scalar document; throws when not JSON. */
  private static String prettyJson(String text) throws JsonProcessingException {
    String trimmed = text.strip();
    if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) {
      return null;
    }
    JsonNode node = JSON.readTree(trimmed);
    return node != null && node.isContainerNode()
        ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) : null;
  }

  /**
   * Pretty YAML when the text is structured YAML: it parses to a map or a list and spans more than
   * one line (a single line such as {@code Note: call back} parses as a map but is plain text).
   */
  private static Optional<String> prettyYaml(String text) {
    String trimmed = text.strip();
    if (trimmed.indexOf('\n') < 0) {
      return Optional.empty();
    }
    LoaderOptions loader = new LoaderOptions();
    loader.setAllowDuplicateKeys(true);
    loader.setMaxAliasesForCollections(50);
    DumperOptions dumper = new DumperOptions();
    dumper.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    dumper.setIndent(2);
    dumper.setIndicatorIndent(0);
    dumper.setWidth(120);
    Yaml yaml = new Yaml(new SafeConstructor(loader), new Representer(dumper), dumper, loader);
    try {
      Object doc = yaml.load(trimmed);
      if (doc instanceof Map<?, ?> || doc instanceof List<?>) {
        return Optional.of(yaml.dump(doc));
      }
      return Optional.empty();
    } catch (RuntimeException e) {
      // YAMLException and the odd runtime failure of a constructor: not structured YAML.
      return Optional.empty();
    }
  }
}
