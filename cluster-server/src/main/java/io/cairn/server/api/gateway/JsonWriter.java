package io.cairn.server.api.gateway;

import java.util.List;
import java.util.Map;

/** JSON text output with Go's {@code encoding/json} string escaping (what etcd's gateway sends). */
final class JsonWriter {
  private JsonWriter() {}

  static String quote(String s) {
    StringBuilder sb = new StringBuilder();
    quote(s, sb);
    return sb.toString();
  }

  static void quote(String s, StringBuilder sb) {
    sb.append('"');
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '<', '>', '&', '\u2028', '\u2029' -> sb.append(String.format("\\u%04x", (int) c));
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else if (Character.isSurrogate(c)) {
            if (Character.isHighSurrogate(c) && k + 1 < s.length()
                && Character.isLowSurrogate(s.charAt(k + 1))) {
              sb.append(c).append(s.charAt(++k));
            } else {
              sb.append('\ufffd');
            }
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  /** Compact text of a value read by {@link JsonText} (for messages). */
  static String render(Object v) {
    StringBuilder sb = new StringBuilder();
    render(v, sb);
    return sb.toString();
  }

  private static void render(Object v, StringBuilder sb) {
    if (v instanceof Map<?, ?> m) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        quote((String) e.getKey(), sb);
        sb.append(':');
        render(e.getValue(), sb);
      }
      sb.append('}');
    } else if (v instanceof List<?> l) {
      sb.append('[');
      for (int k = 0; k < l.size(); k++) {
        if (k > 0) {
          sb.append(',');
        }
        render(l.get(k), sb);
      }
      sb.append(']');
    } else if (v instanceof String str) {
      quote(str, sb);
    } else if (v instanceof JsonText.Num n) {
      sb.append(n.text());
    } else {
      sb.append(v);
    }
  }
}
