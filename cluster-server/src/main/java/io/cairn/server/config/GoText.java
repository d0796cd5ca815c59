package io.cairn.server.config;

import java.math.BigInteger;
import java.util.Locale;

/**
 * Value parsing with the rules (and error wording) of Go's {@code strconv}, {@code flag} and
 * {@code time} packages, so that messages about bad values read like etcd's.
 */
final class GoText {
  private GoText() {}

  /** A number that Go's strconv refuses; {@code range} tells "value out of range" from syntax. */
  static final class NumberError extends Exception {
    private static final long serialVersionUID = 1L;
    final boolean range;

    NumberError(boolean range) {
      super(range ? "value out of range" : "invalid syntax");
      this.range = range;
    }

    /** What Go's flag package says: {@code parse error} or {@code value out of range}. */
    String flagText() {
      return range ? "value out of range" : "parse error";
    }
  }

  private static final BigInteger TWO = BigInteger.valueOf(2);

  /** {@code strconv.ParseUint(s, 0, bits)}: base prefixes 0x 0o 0b 0, underscores. */
  static BigInteger parseUint(String s, int bits) throws NumberError {
    if (s.isEmpty()) {
      throw new NumberError(false);
    }
    int base = 10;
    String digits = s;
    boolean prefixed = false;
    if (s.length() > 1 && s.charAt(0) == '0') {
      char c = Character.toLowerCase(s.charAt(1));
      if (c == 'x' || c == 'o' || c == 'b') {
        base = c == 'x' ? 16 : c == 'o' ? 8 : 2;
        digits = s.substring(2);
      } else {
        base = 8;
        digits = s.substring(1);
      }
      prefixed = true;
    }
    if (digits.contains("_")) {
      if ((!prefixed && digits.startsWith("_")) || digits.endsWith("_") || digits.contains("__")) {
        throw new NumberError(false);
      }
      digits = digits.replace("_", "");
    }
    if (digits.isEmpty()) {
      if (base == 8 && !s.toLowerCase(Locale.ROOT).startsWith("0o")) {
        return BigInteger.ZERO; // a lone "0" (or "0_"-free "00")
      }
      throw new NumberError(false);
    }
    for (int i = 0; i < digits.length(); i++) {
      if (Character.digit(digits.charAt(i), base) < 0) {
        throw new NumberError(false);
      }
    }
    BigInteger v = new BigInteger(digits, base);
    if (v.bitLength() > bits) {
      throw new NumberError(true);
    }
    return v;
  }

  /** {@code strconv.ParseInt(s, 0, bits)}. */
  static BigInteger parseInt(String s, int bits) throws NumberError {
    if (s.isEmpty()) {
      throw new NumberError(false);
    }
    boolean neg = false;
    String rest = s;
    if (s.charAt(0) == '+' || s.charAt(0) == '-') {
      neg = s.charAt(0) == '-';
      rest = s.substring(1);
    }
    BigInteger mag;
    try {
      mag = parseUint(rest, bits);
    } catch (NumberError e) {
      if (e.range) {
        throw e;
      }
      throw new NumberError(false);
    }
    BigInteger v = neg ? mag.negate() : mag;
    BigInteger max = TWO.pow(bits - 1).subtract(BigInteger.ONE);
    BigInteger min = TWO.pow(bits - 1).negate();
    if (v.compareTo(max) > 0 || v.compareTo(min) < 0) {
      throw new NumberError(true);
    }
    return v;
  }

  /** {@code strconv.ParseBool}: null when Go would refuse the text. */
  static Boolean parseBool(String s) {
    switch (s) {
      case "1": case "t": case "T": case "TRUE": case "true": case "True":
        return Boolean.TRUE;
      case "0": case "f": case "F": case "FALSE": case "false": case "False":
        return Boolean.FALSE;
      default:
        return null;
    }
  }

  /**
   * {@code time.ParseDuration}: returns nanoseconds; the exception message is Go's, e.g.
   * {@code time: invalid duration "x"}.
   */
  static long parseDuration(String text) {
    String s = text;
    boolean neg = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      neg = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return 0;
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException("time: invalid duration " + quote(text));
    }
    double total = 0;
    while (!s.isEmpty()) {
      int i = 0;
      while (i < s.length() && Character.isDigit(s.charAt(i))) {
        i++;
      }
      int intEnd = i;
      int fracEnd = i;
      if (i < s.length() && s.charAt(i) == '.') {
        i++;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
          i++;
        }
        fracEnd = i;
      }
      if (intEnd == 0 && fracEnd <= 1) {
        throw new IllegalArgumentException("time: invalid duration " + quote(text));
      }
      double number = Double.parseDouble(s.substring(0, fracEnd).equals(".")
          ? "0" : s.substring(0, fracEnd));
      int u = fracEnd;
      while (u < s.length() && s.charAt(u) != '.' && !Character.isDigit(s.charAt(u))) {
        u++;
      }
      String unit = s.substring(fracEnd, u);
      if (unit.isEmpty()) {
        throw new IllegalArgumentException("time: missing unit in duration " + quote(text));
      }
      long scale;
      switch (unit) {
        case "ns": scale = 1L; break;
        case "us": case "\u00b5s": case "\u03bcs": scale = 1_000L; break;
        case "ms": scale = 1_000_000L; break;
        case "s": scale = 1_000_000_000L; break;
        case "m": scale = 60_000_000_000L; break;
        case "h": scale = 3_600_000_000_000L; break;
        default:
          throw new IllegalArgumentException(
              "time: unknown unit " + quote(unit) + " in duration " + quote(text));
      }
      total += number * scale;
      if (total > Long.MAX_VALUE) {
        throw new IllegalArgumentException("time: invalid duration " + quote(text));
      }
      s = s.substring(u);
    }
    long v = (long) total;
    return neg ? -v : v;
  }

  /** Go's {@code %q} for a string (close enough for messages). */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': b.append("\\\""); break;
        case '\\': b.append("\\\\"); break;
        case '\n': b.append("\\n"); break;
        case '\t': b.append("\\t"); break;
        case '\r': b.append("\\r"); break;
        default:
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\x%02x", (int) c));
          } else {
            b.append(c);
          }
      }
    }
    return b.append('"').toString();
  }
}
