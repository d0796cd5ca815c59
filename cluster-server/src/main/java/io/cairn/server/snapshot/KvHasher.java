package io.cairn.server.snapshot;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.cairn.server.mvcc.MvccException;
import io.cairn.server.storage.Backend;
import io.cairn.server.storage.Schema;
import io.etcd.jetcd.api.HashKVResponse;
import io.etcd.jetcd.api.HashResponse;
import io.etcd.jetcd.api.ResponseHeader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.lmdbjava.CursorIterable;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.KeyRange;
import org.lmdbjava.Txn;

/**
 * etcd's consistency hashes, computed from a read transaction of the backend.
 *
 * <h2>HashKV(rev)</h2>
 *
 * CRC-32C (Castagnoli) seeded with the bucket name {@code key}, then, in revision order, the key
 * and value of every MVCC row with main revision &le; {@code rev} that is either above the
 * compact revision or would be kept by a compaction at {@code rev} (the newest version of its
 * key at {@code rev}, if that is not a tombstone). Rows are hashed in etcd's encoding (17-byte
 * {@code main '_' sub} key plus {@code 't'} for tombstones; a tombstone's value is the key
 * alone), so a Cairn member and an etcd member that applied the same history report the same
 * number.
 *
 * <p>Why members agree: rows above the compact revision are the same everywhere; of the rows at
 * or below it, a member that has physically compacted keeps exactly the newest non-tombstone
 * version of each key, and one that has not yet deleted them still holds more. The "kept at
 * {@code rev}" filter selects the same subset from both. etcd disables that filter when no key
 * is live at {@code rev}; there the rows kept by the compaction itself (newest non-tombstone
 * version at the compact revision) are hashed instead, which is what a compacted etcd member
 * holds, and which does not depend on how far the physical deletion has got.
 *
 * <h2>Hash</h2>
 *
 * CRC-32C over every named database of the environment in name order: its name, then each key
 * and value in key order. Like etcd, member-local meta values ({@code consistent_index}, {@code
 * term}, and Cairn's {@code member_id}) are left out so that members can be compared.
 */
public final class KvHasher {
  /** Meta keys that differ between members holding the same data. */
  static final List<byte[]> MEMBER_LOCAL_META =
      List.of(Schema.CONSISTENT_INDEX, Schema.TERM, Schema.MEMBER_ID);

  private static final byte[] KEY_BUCKET = Schema.KEY.getBytes(StandardCharsets.US_ASCII);

  private KvHasher() {}

  /**
   * Result of HashKV.
   *
   * @param hash CRC-32C, unsigned
   * @param compactRevision the compact revision when the hash began (-1: never compacted)
   * @param hashRevision the revision hashed (the request's, or the current one for 0)
   * @param currentRevision the store's revision in the hashed transaction (the header revision)
   */
  public record KvHash(long hash, long compactRevision, long hashRevision, long currentRevision) {
    /**
     * etcd's {@code HashKVResponse}; {@code hash_revision} (field 4, added to etcd's API after
     * the proto this build uses) is carried as a wire-level field so newer clients see it.
     */
    public HashKVResponse toResponse(ResponseHeader header) {
      return HashKVResponse.newBuilder()
          .setHeader(header.toBuilder().setRevision(currentRevision))
          .setHash((int) hash)
          .setCompactRevision(compactRevision)
          .setUnknownFields(
              UnknownFieldSet.newBuilder()
                  .addField(
                      4, UnknownFieldSet.Field.newBuilder().addVarint(hashRevision).build())
                  .build())
          .build();
    }
  }

  /** Result of Hash: the hash and the store's revision in the hashed transaction. */
  public record BackendHash(long hash, long revision) {
    public HashResponse toResponse(ResponseHeader header) {
      return HashResponse.newBuilder()
          .setHeader(header.toBuilder().setRevision(revision))
          .setHash((int) hash)
          .build();
    }
  }

  /** HashKV in a fresh read transaction. */
  public static KvHash hashKv(Backend backend, long rev) {
    try (Backend.Read r = backend.read()) {
      return hashKv(backend, r.txn(), rev);
    }
  }

  /**
   * HashKV at {@code rev} (0: the current revision) in {@code txn}.
   *
   * @throws MvccException COMPACTED when {@code rev} is at or below the compact revision,
   *     FUTURE_REVISION when it is above the current revision
   */
  public static KvHash hashKv(Backend backend, Txn<byte[]> txn, long rev) {
    // etcd reports -1 until the first compaction.
    long compactRev = backend.getLong(txn, Schema.SCHEDULED_COMPACT, -1);
    long currentRev = currentRevision(backend.kv(), txn, backend.getLong(txn, Schema.CURRENT_REVISION, 1));
    // As etcd: a hash at the compact revision itself is refused too.
    if (rev > 0 && rev <= compactRev) {
      throw new MvccException(MvccException.Reason.COMPACTED);
    }
    if (rev > 0 && rev > currentRev) {
      throw new MvccException(MvccException.Reason.FUTURE_REVISION);
    }
    long at = rev == 0 ? currentRev : rev;
    long hash = hashRows(backend.kv(), txn, compactRev, at);
    return new KvHash(hash, compactRev, at, currentRev);
  }

  /**
   * The hash of the rows of {@code kv} as of {@code rev} with compact revision {@code
   * compactRev}; see the class comment.
   */
  static long hashRows(Dbi<byte[]> kv, Txn<byte[]> txn, long compactRev, long rev) {
    byte[] end = ByteBuffer.allocate(16).putLong(rev + 1).putLong(0).array();
    Filter filter = compactRev > 0 ? Filter.build(kv, txn, compactRev, rev) : null;
    CRC32C crc = new CRC32C();
    crc.update(KEY_BUCKET);
    try (CursorIterable<byte[]> rows = kv.iterate(txn, KeyRange.lessThan(end))) {
      for (CursorIterable.KeyVal<byte[]> row : rows) {
        byte[] k = row.key();
        if (!Rows.isRowKey(k)) {
          continue;
        }
        long main = Rows.main(k);
        if (main > rev) {
          break;
        }
        if (filter != null && main <= compactRev && !filter.includes(k, row.val())) {
          continue;
        }
        crc.update(Rows.etcdKey(k));
        crc.update(Rows.etcdValue(k, row.val()));
      }
    }
    return crc.getValue();
  }

  /**
   * Which rows at or below the compact revision are hashed: the newest version of each key at
   * {@code rev} unless it is a tombstone; when no key qualifies, the newest non-tombstone
   * version at the compact revision (what a finished compaction leaves).
   */
  private static final class Filter {
    private final Map<ByteString, byte[]> keep;

    private Filter(Map<ByteString, byte[]> keep) {
      this.keep = keep;
    }

    static Filter build(Dbi<byte[]> kv, Txn<byte[]> txn, long compactRev, long rev) {
      // Newest row of every key at rev, and at compactRev.
      Map<ByteString, byte[]> atCompact = new HashMap<>();
      Map<ByteString, byte[]> atRev = new HashMap<>();
      byte[] end = ByteBuffer.allocate(16).putLong(rev + 1).putLong(0).array();
      try (CursorIterable<byte[]> rows = kv.iterate(txn, KeyRange.lessThan(end))) {
        for (CursorIterable.KeyVal<byte[]> row : rows) {
          byte[] k = row.key();
          if (!Rows.isRowKey(k)) {
            continue;
          }
          ByteString key = Rows.userKey(row.val());
          atRev.put(key, k);
          if (Rows.main(k) <= compactRev) {
            atCompact.put(key, k);
          }
        }
      }
      atRev.values().removeIf(Rows::isTombstone);
      if (atRev.isEmpty()) {
        atCompact.values().removeIf(Rows::isTombstone);
        return new Filter(atCompact);
      }
      return new Filter(atRev);
    }

    boolean includes(byte[] k, byte[] v) {
      byte[] kept = keep.get(Rows.userKey(v));
      return kept != null && Arrays.equals(kept, k);
    }
  }

  /** Hash of the whole backend (etcd's {@code Hash}) in a fresh read transaction. */
  public static BackendHash hash(Backend backend) {
    return backend.withEnv(
        env -> {
          EnvDbs.prepare(env);
          try (Txn<byte[]> txn = env.txnRead()) {
            long hash = hashEnv(env, txn, true);
            long rev =
                currentRevision(
                    backend.kv(), txn, backend.getLong(txn, Schema.CURRENT_REVISION, 1));
            return new BackendHash(hash, rev);
          }
        });
  }

  /**
   * CRC-32C over every named database: name, then keys and values in order. With {@code
   * skipMemberLocal} the member-local meta values are left out.
   */
  static long hashEnv(Env<byte[]> env, Txn<byte[]> txn, boolean skipMemberLocal) {
    CRC32C crc = new CRC32C();
    for (String name : EnvDbs.names(env, txn)) {
      Dbi<byte[]> dbi = EnvDbs.handle(env, name);
      crc.update(name.getBytes(StandardCharsets.UTF_8));
      boolean meta = skipMemberLocal && name.equals(Schema.META);
      try (CursorIterable<byte[]> it = dbi.iterate(txn)) {
        for (CursorIterable.KeyVal<byte[]> kv : it) {
          if (meta && isMemberLocal(kv.key())) {
            continue;
          }
          crc.update(kv.key());
          crc.update(kv.val());
        }
      }
    }
    return crc.getValue();
  }

  private static boolean isMemberLocal(byte[] key) {
    for (byte[] k : MEMBER_LOCAL_META) {
      if (Arrays.equals(k, key)) {
        return true;
      }
    }
    return false;
  }

  /** The store's revision: the meta value, or the newest row if that is higher. */
  static long currentRevision(Dbi<byte[]> kv, Txn<byte[]> txn, long meta) {
    long rev = meta;
    try (CursorIterable<byte[]> it = kv.iterate(txn, KeyRange.allBackward())) {
      for (CursorIterable.KeyVal<byte[]> row : it) {
        if (Rows.isRowKey(row.key())) {
          rev = Math.max(rev, Rows.main(row.key()));
          break;
        }
      }
    }
    return rev;
  }
}
