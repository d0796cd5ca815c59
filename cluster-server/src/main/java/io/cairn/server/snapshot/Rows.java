package io.cairn.server.snapshot;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.etcd.jetcd.api.KeyValue;
import java.nio.ByteBuffer;

/**
 * Reading MVCC rows of the {@code key} database without the store: Cairn's row key is 16 bytes
 * (main and sub revision, big-endian) plus a {@code 't'} byte for tombstones; the value is a
 * serialized {@code mvccpb.KeyValue}.
 */
final class Rows {
  static final int KEY_LENGTH = 16;
  static final byte TOMBSTONE_MARK = 't';

  private Rows() {}

  static boolean isRowKey(byte[] k) {
    return k.length == KEY_LENGTH || (k.length == KEY_LENGTH + 1 && k[KEY_LENGTH] == TOMBSTONE_MARK);
  }

  static long main(byte[] k) {
    return ByteBuffer.wrap(k).getLong(0);
  }

  static long sub(byte[] k) {
    return ByteBuffer.wrap(k).getLong(8);
  }

  static boolean isTombstone(byte[] k) {
    return k.length == KEY_LENGTH + 1 && k[KEY_LENGTH] == TOMBSTONE_MARK;
  }

  /** The user key of a row. */
  static ByteString userKey(byte[] value) {
    try {
      return KeyValue.parseFrom(value).getKey();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt mvcc row: " + e.getMessage(), e);
    }
  }

  /**
   * The row key as etcd's backend spells it: 8-byte main, {@code '_'}, 8-byte sub, and {@code 't'}
   * for a tombstone. Hashing this form (and etcd's tombstone value, the key alone) makes {@code
   * HashKV} give the same number as etcd for the same history.
   */
  static byte[] etcdKey(byte[] k) {
    boolean tomb = isTombstone(k);
    ByteBuffer b = ByteBuffer.allocate(tomb ? 18 : 17);
    b.putLong(main(k)).put((byte) '_').putLong(sub(k));
    if (tomb) {
      b.put(TOMBSTONE_MARK);
    }
    return b.array();
  }

  /** The value etcd stores for a row: a tombstone holds only the key. */
  static byte[] etcdValue(byte[] k, byte[] v) {
    if (!isTombstone(k)) {
      return v;
    }
    return KeyValue.newBuilder().setKey(userKey(v)).build().toByteArray();
  }
}
