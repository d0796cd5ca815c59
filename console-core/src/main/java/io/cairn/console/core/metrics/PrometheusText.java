package io.cairn.console.core.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A parser for the Prometheus text exposition format 0.0.4 as etcd and Cairn print it.
 *
 * <p>A console has to survive whatever a member (or a proxy in front of it) returns, so a line
 * that does not parse is skipped instead of failing the whole scrape. {@code # HELP} and
 * {@code # TYPE} lines carry nothing the console needs (histogram families are recognised by their
 * {@code _bucket} suffix) and are skipped too; timestamps are accepted and dropped.
 */
public final class PrometheusText {
  /** Longest line we look at; anything longer is not something etcd or Cairn would print. */
  private static final int MAX_LINE = 64 * 1024;

  private PrometheusText() {}

  /** Every well-formed sample of {@code text}, in order; never throws on bad input. */
  public static List<Sample> parse(String text) {
    List<Sample> out = new ArrayList<>();
    if (text == null) {
      return out;
    }
    int start = 0;
    int n = text.length();
    while (start < n) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = n;
      }
      int lineEnd = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
      if (lineEnd - start <= MAX_LINE) {
        Sample s = new LineParser(text, start, lineEnd).sample();
        if (s != null) {
          out.add(s);
        }
      }
      start = end + 1;
    }
    return out;
  }

  /** Parses a single line; {@link #sample()} answers null for anything malformed. */
  private static final class LineParser {
    private final String text;
    private final int end;
    private int pos;

    LineParser(String text, int start, int end) {
      this.text = text;
      this.pos = start;
      this.end = end;
    }

    Sample sample() {
      skipBlanks();
      if (pos >= end || text.charAt(pos) == '#') {
        return null;
      }
      String name = name(true);
      if (name == null) {
        return null;
      }
      Map<String, String> labels = Map.of();
      boolean braced = pos < end && text.charAt(pos) == '{';
      if (braced) {
        pos++;
        labels = labels();
        if (labels == null) {
          return null;
        }
      }
      if (!skipBlanks() && !braced) {
        return null;
      }
      String valueToken = token();
      Double value = value(valueToken);
      if (value == null) {
        return null;
      }
      skipBlanks();
      if (pos < end && !isTimestamp(token())) {
        return null;
      }
      skipBlanks();
      return pos == end ? new Sample(name, labels, value) : null;
    }

    /** Label pairs up to the closing brace; a trailing comma is allowed, duplicates are not. */
    private Map<String, String> labels() {
      Map<String, String> labels = new HashMap<>();
      while (true) {
        skipBlanks();
        if (pos < end && text.charAt(pos) == '}') {
          pos++;
          return labels;
        }
        String labelName = name(false);
        skipBlanks();
        if (labelName == null || pos >= end || text.charAt(pos) != '=') {
          return null;
        }
        pos++;
        skipBlanks();
        String value = quoted();
        if (value == null || labels.put(labelName, value) != null) {
          return null;
        }
        skipBlanks();
        if (pos < end && text.charAt(pos) == ',') {
          pos++;
        } else if (pos >= end || text.charAt(pos) != '}') {
          return null;
        }
      }
    }

    /** A double-quoted label value with the escapes {@code \\ \" \n}. */
    private String quoted() {
      if (pos >= end || text.charAt(pos) != '"') {
        return null;
      }
      pos++;
      StringBuilder b = new StringBuilder();
      while (pos < end) {
        char c = text.charAt(pos++);
        if (c == '"') {
          return b.toString();
        }
        if (c != '\\') {
          b.append(c);
          continue;
        }
        if (pos >= end) {
          return null;
        }
        char e = text.charAt(pos++);
        switch (e) {
          case '\\' -> b.append('\\');
          case '"' -> b.append('"');
          case 'n' -> b.append('\n');
          default -> {
            return null;
          }
        }
      }
      return null;
    }

    /** A metric name ({@code [a-zA-Z_:][a-zA-Z0-9_:]*}) or a label name (no colons). */
    private String name(boolean metric) {
      int from = pos;
      while (pos < end) {
        char c = text.charAt(pos);
        boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
            || (metric && c == ':');
        boolean digit = c >= '0' && c <= '9';
        if (!letter && !(digit && pos > from)) {
          break;
        }
        pos++;
      }
      return pos > from ? text.substring(from, pos) : null;
    }

    private String token() {
      int from = pos;
      while (pos < end && text.charAt(pos) != ' ' && text.charAt(pos) != '\t') {
        pos++;
      }
      return text.substring(from, pos);
    }

    /** Skips spaces and tabs; answers whether there were any. */
    private boolean skipBlanks() {
      int from = pos;
      while (pos < end && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
        pos++;
      }
      return pos > from;
    }
  }

  /** Go's float syntax as Prometheus writes it: decimals, exponents, {@code ±Inf}, {@code NaN}. */
  static Double value(String token) {
    if (token.isEmpty()) {
      return null;
    }
    switch (token.toLowerCase(java.util.Locale.ROOT)) {
      case "+inf", "inf", "+infinity", "infinity" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-inf", "-infinity" -> {
        return Double.NEGATIVE_INFINITY;
      }
      case "nan" -> {
        return Double.NaN;
      }
      default -> {
        // Double.parseDouble would also take "1d", "0x1p3" or "Infinity" spelled oddly: only
        // digits, sign, point and exponent are a Prometheus number.
        for (int i = 0; i < token.length(); i++) {
          char c = token.charAt(i);
          if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) {
            return null;
          }
        }
        try {
          return Double.parseDouble(token);
        } catch (NumberFormatException e) {
          return null;
        }
      }
    }
  }

  private static boolean isTimestamp(String token) {
    int i = token.startsWith("-") ? 1 : 0;
    if (i >= token.length() || token.length() > 20) {
      return false;
    }
    for (; i < token.length(); i++) {
      if (token.charAt(i) < '0' || token.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }
}
