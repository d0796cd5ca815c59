package io.cairn.server.api.gateway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON the way the gateway's decoder does: one value at a time from a body that may hold
 * several (streaming requests), trailing bytes left for the next read, and syntax errors worded
 * like Go's {@code encoding/json} ("invalid character 'b' looking for beginning of object key
 * string", "unexpected EOF"), since those words reach clients in error bodies.
 *
 * <p>Objects become {@link LinkedHashMap}s, arrays {@link List}s, numbers {@link Num} (literal
 * text kept), strings, booleans and {@link #NULL}.
 */
final class JsonText {
  /** JSON {@code null}. */
  static final Object NULL = new Object() {
    @Override
    public String toString() {
      return "null";
    }
  };

  /** A number, kept as its literal text. */
  record Num(String text) {}

  /** A syntax error; the message is the one Go's decoder produces. */
  static final class SyntaxError extends Exception {
    SyntaxError(String message) {
      super(message, null, false, false);
    }
  }

  private static final int MAX_DEPTH = 10_000;

  private final String s;
  private int i;
  private int depth;

  JsonText(String text) {
    this.s = text;
  }

  /** Whether only whitespace is left (the decoder would report end of input). */
  boolean atEnd() {
    ws();
    return i >= s.length();
  }

  /** Reads the next value; call {@link #atEnd()} first. */
  Object next() throws SyntaxError {
    ws();
    return value();
  }

  /** Parses a whole text holding exactly one value (for tests and tools). */
  static Object parse(String text) throws SyntaxError {
    JsonText t = new JsonText(text);
    if (t.atEnd()) {
      throw new SyntaxError("unexpected EOF");
    }
    return t.next();
  }

  private Object value() throws SyntaxError {
    if (i >= s.length()) {
      throw new SyntaxError("unexpected EOF");
    }
    char c = s.charAt(i);
    switch (c) {
      case '{':
        return object();
      case '[':
        return array();
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", NULL);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw invalid(c, "looking for beginning of value");
    }
  }

  private Map<String, Object> object() throws SyntaxError {
    enter();
    Map<String, Object> m = new LinkedHashMap<>();
    i++;
    ws();
    if (peek() == '}') {
      i++;
      depth--;
      return m;
    }
    while (true) {
      ws();
      char c = peek();
      if (c != '"') {
        throw invalid(c, "looking for beginning of object key string");
      }
      String key = string();
      ws();
      c = peek();
      if (c != ':') {
        throw invalid(c, "after object key");
      }
      i++;
      ws();
      m.put(key, value());
      ws();
      c = peek();
      i++;
      if (c == '}') {
        depth--;
        return m;
      }
      if (c != ',') {
        throw invalid(c, "after object key:value pair");
      }
    }
  }

  private List<Object> array() throws SyntaxError {
    enter();
    List<Object> l = new ArrayList<>();
    i++;
    ws();
    if (peek() == ']') {
      i++;
      depth--;
      return l;
    }
    while (true) {
      ws();
      l.add(value());
      ws();
      char c = peek();
      i++;
      if (c == ']') {
        depth--;
        return l;
      }
      if (c != ',') {
        throw invalid(c, "after array element");
      }
    }
  }

  private void enter() throws SyntaxError {
    if (++depth > MAX_DEPTH) {
      throw new SyntaxError("exceeded max depth");
    }
  }

  private String string() throws SyntaxError {
    i++; // opening quote
    StringBuilder sb = new StringBuilder();
    while (true) {
      char c = peek();
      i++;
      if (c == '"') {
        return sb.toString();
      }
      if (c < 0x20) {
        throw invalid(c, "in string literal");
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      char e = peek();
      i++;
      switch (e) {
        case '"', '\\', '/' -> sb.append(e);
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          int v = 0;
          for (int k = 0; k < 4; k++) {
            char h = peek();
            i++;
            int d = Character.digit(h, 16);
            if (d < 0) {
              throw invalid(h, "in \\u hexadecimal character escape");
            }
            v = v * 16 + d;
          }
          sb.append((char) v);
        }
        default -> throw invalid(e, "in string escape code");
      }
    }
  }

  private Num number() throws SyntaxError {
    int start = i;
    if (peek() == '-') {
      i++;
      char c = peek();
      if (c < '0' || c > '9') {
        throw invalid(c, "in numeric literal");
      }
    }
    if (s.charAt(i) == '0') {
      i++;
    } else {
      digits();
    }
    if (i < s.length() && s.charAt(i) == '.') {
      i++;
      char c = peek();
      if (c < '0' || c > '9') {
        throw invalid(c, "after decimal point in numeric literal");
      }
      digits();
    }
    if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      char c = peek();
      if (c == '+' || c == '-') {
        i++;
        c = peek();
      }
      if (c < '0' || c > '9') {
        throw invalid(c, "in exponent of numeric literal");
      }
      digits();
    }
    return new Num(s.substring(start, i));
  }

  private void digits() {
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
  }

  private Object literal(String word, Object v) throws SyntaxError {
    for (int k = 0; k < word.length(); k++) {
      char c = peek();
      if (c != word.charAt(k)) {
        throw invalid(c, "in literal " + word + " (expecting " + quoteChar(word.charAt(k)) + ")");
      }
      i++;
    }
    return v;
  }

  private void ws() {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      i++;
    }
  }

  private char peek() throws SyntaxError {
    if (i >= s.length()) {
      throw new SyntaxError("unexpected EOF");
    }
    return s.charAt(i);
  }

  private static SyntaxError invalid(char c, String context) {
    return new SyntaxError("invalid character " + quoteChar(c) + " " + context);
  }

  /** Go's {@code quoteChar}: the character in single quotes, escaped like a Go literal. */
  static String quoteChar(char c) {
    if (c == '\'') {
      return "'\\''";
    }
    if (c == '"') {
      return "'\"'";
    }
    String body =
        switch (c) {
          case '\u0007' -> "\\a";
          case '\b' -> "\\b";
          case '\f' -> "\\f";
          case '\n' -> "\\n";
          case '\r' -> "\\r";
          case '\t' -> "\\t";
          case '\u000b' -> "\\v";
          case '\\' -> "\\\\";
          default -> {
            if (c < 0x20 || c == 0x7f) {
              yield String.format("\\x%02x", (int) c);
            }
            yield String.valueOf(c);
          }
        };
    return "'" + body + "'";
  }
}
