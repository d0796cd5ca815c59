package io.cairn.server.mvcc;

import com.google.protobuf.ByteString;

/**
 * A key or a half-open key interval, with etcd's encoding of {@code range_end}: empty means the
 * single key, a single zero byte means every key at or after {@code key}; a {@code key} of a
 * single zero byte together with that end means the whole keyspace.
 */
public record KeyRange(ByteString key, ByteString end) {
  private static final ByteString ZERO = ByteString.copyFrom(new byte[] {0});

  public static KeyRange of(ByteString key, ByteString rangeEnd) {
    return new KeyRange(key, rangeEnd == null ? ByteString.EMPTY : rangeEnd);
  }

  public boolean isSingleKey() {
    return end.isEmpty();
  }

  /** True when the range has no upper bound. */
  public boolean toEnd() {
    return end.equals(ZERO);
  }

  /** True when {@code k} lies in this range. */
  public boolean contains(ByteString k) {
    if (isSingleKey()) {
      return k.equals(key);
    }
    if (ByteString.unsignedLexicographicalComparator().compare(k, key) < 0) {
      return false;
    }
    return toEnd() || ByteString.unsignedLexicographicalComparator().compare(k, end) < 0;
  }
}
