package io.cairn.server.metrics;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Formats a float64 as the Prometheus Go client writes it in the text format: the shortest
 * decimal that reads back as the same double, in {@code %g} style ({@code 0.001}, {@code 8.192},
 * {@code 1}, {@code 1e-05}, {@code 2.4829952e+07}), and {@code +Inf}, {@code -Inf}, {@code NaN}.
 */
final class GoFloat {
  private GoFloat() {}

  static String format(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (v == Double.POSITIVE_INFINITY) {
      return "+Inf";
    }
    if (v == Double.NEGATIVE_INFINITY) {
      return "-Inf";
    }
    if (v == 0) {
      return "0";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e6) {
      return Long.toString((long) v);
    }
    boolean negative = v < 0;
    BigDecimal shortest = shortest(Math.abs(v));
    String digits = shortest.unscaledValue().toString();
    // value = 0.<digits> x 10^point
    int point = digits.length() - shortest.scale();
    int exp = point - 1;
    StringBuilder sb = new StringBuilder(24);
    if (negative) {
      sb.append('-');
    }
    if (exp < -4 || exp >= 6) {
      sb.append(digits.charAt(0));
      if (digits.length() > 1) {
        sb.append('.').append(digits, 1, digits.length());
      }
      sb.append('e').append(exp < 0 ? '-' : '+');
      int e = Math.abs(exp);
      if (e < 10) {
        sb.append('0');
      }
      sb.append(e);
    } else if (point <= 0) {
      sb.append("0.");
      sb.append("0".repeat(-point));
      sb.append(digits);
    } else if (point >= digits.length()) {
      sb.append(digits);
      sb.append("0".repeat(point - digits.length()));
    } else {
      sb.append(digits, 0, point).append('.').append(digits, point, digits.length());
    }
    return sb.toString();
  }

  /** The fewest significant digits that round-trip to {@code v}, trailing zeros stripped. */
  private static BigDecimal shortest(double v) {
    BigDecimal exact = new BigDecimal(v);
    for (int precision = 1; precision < 17; precision++) {
      BigDecimal candidate = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
      if (candidate.doubleValue() == v) {
        return candidate.stripTrailingZeros();
      }
    }
    return exact.round(new MathContext(17, RoundingMode.HALF_EVEN)).stripTrailingZeros();
  }
}
