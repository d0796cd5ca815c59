package io.cairn.console.core.values;

/**
 * A strict UTF-8 scanner that says where each valid sequence starts and ends, which a
 * {@link java.nio.charset.CharsetDecoder} does not tell (it is needed to escape exactly the bad
 * bytes of a key).
 */
final class Utf8 {
  private Utf8() {}

  /**
   * The length of the valid UTF-8 sequence starting at {@code i}, or 0 when the byte there does not
   * start one (stray continuation byte, overlong form, surrogate, beyond U+10FFFF, truncated).
   */
  static int sequenceLength(byte[] b, int i, int limit) {
    int b0 = b[i] & 0xff;
    if (b0 < 0x80) {
      return 1;
    }
    int len;
    int min;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      len = 2;
      min = 0x80;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      len = 3;
      min = 0x800;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      len = 4;
      min = 0x10000;
    } else {
      return 0;
    }
    if (i + len > limit) {
      return 0;
    }
    int cp = b0 & (0xff >> (len + 1));
    for (int k = 1; k < len; k++) {
      int c = b[i + k] & 0xff;
      if ((c & 0xc0) != 0x80) {
        return 0;
      }
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return 0;
    }
    return len;
  }

  /** The code point of the valid sequence of {@code len} bytes at {@code i}. */
  static int codePoint(byte[] b, int i, int len) {
    if (len == 1) {
      return b[i];
    }
    int cp = (b[i] & 0xff) & (0xff >> (len + 1));
    for (int k = 1; k < len; k++) {
      cp = (cp << 6) | (b[i + k] & 0x3f);
    }
    return cp;
  }

  /** Whether the whole range is valid UTF-8. */
  static boolean isValid(byte[] b, int limit) {
    for (int i = 0; i < limit; ) {
      int len = sequenceLength(b, i, limit);
      if (len == 0) {
        return false;
      }
      i += len;
    }
    return true;
  }

  /**
   * The largest length at most {@code limit} that does not cut a multi-byte sequence in two (used
   * when a huge value is cut at 1 MiB).
   */
  static int boundary(byte[] b, int limit) {
    if (limit >= b.length) {
      return b.length;
    }
    int i = limit;
    // Step back over at most three continuation bytes to the start of the cut sequence.
    for (int k = 0; k < 3 && i > 0 && (b[i] & 0xc0) == 0x80; k++) {
      i--;
    }
    return (b[i] & 0xc0) == 0x80 ? limit : i;
  }

  /**
   * Printable text: no C0 control characters other than tab, line feed and carriage return, no DEL,
   * no C1 controls and no byte-order mark; these are what binary data decodes to, not what people
   * write.
   */
  static boolean isPrintable(int cp) {
    if (cp == '\t' || cp == '\n' || cp == '\r') {
      return true;
    }
    return cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp <= 0x9f) && cp != 0xfeff;
  }
}
