package io.cairn.console.core.keys;

import io.cairn.console.core.values.ValueRenderer;
import io.etcd.jetcd.ByteSequence;
import java.util.Arrays;

/** Byte-level helpers for keys: etcd orders and ranges keys as unsigned byte strings. */
final class KeyBytes {
  /** A range end of {@code "\0"} means "to the end of the keyspace". */
  static final byte[] ALL = {0};

  private KeyBytes() {}

  /** etcd's prefix end: increment the last byte below 0xff, dropping trailing 0xff bytes. */
  static byte[] prefixEnd(byte[] prefix) {
    for (int i = prefix.length - 1; i >= 0; i--) {
      if ((prefix[i] & 0xff) != 0xff) {
        byte[] end = Arrays.copyOf(prefix, i + 1);
        end[i]++;
        return end;
      }
    }
    return ALL.clone();
  }

  /** The smallest key greater than {@code key}. */
  static byte[] successor(byte[] key) {
    return Arrays.copyOf(key, key.length + 1);
  }

  static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length
        && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  /** Index of the first occurrence of {@code needle} in {@code hay} at or after {@code from}, or -1. */
  static int indexOf(byte[] hay, byte[] needle, int from) {
    outer:
    for (int i = from; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  static boolean endsWith(byte[] key, byte[] suffix) {
    return key.length >= suffix.length
        && Arrays.equals(key, key.length - suffix.length, key.length, suffix, 0, suffix.length);
  }

  static String label(byte[] key, int from) {
    return ValueRenderer.displayKey(Arrays.copyOfRange(key, from, key.length));
  }

  static ByteSequence seq(byte[] bytes) {
    return ByteSequence.from(bytes);
  }
}
