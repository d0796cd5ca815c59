package io.cairn.server.mvcc;

import java.nio.ByteBuffer;

/**
 * Encoding of MVCC row keys: 8-byte big-endian main revision, 8-byte big-endian sub-revision, and
 * a trailing {@code 't'} byte for tombstones. Big-endian keeps LMDB's byte order equal to
 * revision order, so a cursor walks history oldest first.
 */
final class RevisionKeys {
  static final int LENGTH = 16;
  static final byte TOMBSTONE_MARK = 't';

  private RevisionKeys() {}

  static byte[] encode(long main, long sub, boolean tombstone) {
    ByteBuffer b = ByteBuffer.allocate(tombstone ? LENGTH + 1 : LENGTH);
    b.putLong(main).putLong(sub);
    if (tombstone) {
      b.put(TOMBSTONE_MARK);
    }
    return b.array();
  }

  static long main(byte[] key) {
    return ByteBuffer.wrap(key).getLong(0);
  }

  static long sub(byte[] key) {
    return ByteBuffer.wrap(key).getLong(8);
  }

  static boolean isTombstone(byte[] key) {
    return key.length == LENGTH + 1 && key[LENGTH] == TOMBSTONE_MARK;
  }

  /** The smallest row key with a main revision greater than {@code main}. */
  static byte[] after(long main) {
    return encode(main + 1, 0, false);
  }
}
