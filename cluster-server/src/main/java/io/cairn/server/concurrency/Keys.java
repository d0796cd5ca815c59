package io.cairn.server.concurrency;

import com.google.protobuf.ByteString;
import io.cairn.server.mvcc.KeyRange;
import io.etcd.jetcd.api.KeyValue;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Key layout shared by locks and elections. */
final class Keys {
  private static final ByteString SLASH = ByteString.copyFromUtf8("/");

  private Keys() {}

  /** {@code name + "/"}: every contender's key starts with it. */
  static ByteString prefix(ByteString name) {
    return name.concat(SLASH);
  }

  /** A contender's key: the prefix followed by its lease ID as Go's {@code %x} prints it. */
  static ByteString contender(ByteString prefix, long lease) {
    return prefix.concat(ByteString.copyFrom(hex(lease), StandardCharsets.UTF_8));
  }

  /** Go's {@code fmt.Sprintf("%x", int64)}: lower-case hex, a minus sign for negative values. */
  static String hex(long v) {
    if (v >= 0) {
      return Long.toHexString(v);
    }
    // -Long.MIN_VALUE overflows to itself, whose unsigned hex is the magnitude Go prints.
    return "-" + Long.toHexString(-v);
  }

  /** Every key that starts with {@code prefix}, as etcd's {@code WithPrefix} builds it. */
  static KeyRange prefixRange(ByteString prefix) {
    return KeyRange.of(prefix, prefixEnd(prefix));
  }

  static KeyRange single(ByteString key) {
    return KeyRange.of(key, ByteString.EMPTY);
  }

  /** The smallest key greater than every key starting with {@code prefix}. */
  static ByteString prefixEnd(ByteString prefix) {
    byte[] end = prefix.toByteArray();
    for (int i = end.length - 1; i >= 0; i--) {
      if (end[i] != (byte) 0xff) {
        end[i]++;
        return ByteString.copyFrom(end, 0, i + 1);
      }
    }
    // All 0xff: no upper bound.
    return ByteString.copyFrom(new byte[] {0});
  }

  /** The key with the smallest create revision ({@code WithFirstCreate}), or null. */
  static KeyValue firstCreated(List<KeyValue> kvs) {
    KeyValue first = null;
    for (KeyValue kv : kvs) {
      if (first == null || kv.getCreateRevision() < first.getCreateRevision()) {
        first = kv;
      }
    }
    return first;
  }
}
