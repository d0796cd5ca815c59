package io.cairn.server.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.server.mvcc.MvccException;
import io.cairn.server.storage.Schema;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmdbjava.Txn;

class KvHasherTest {
  @TempDir Path tmp;

  /** put a=1 (2), put b=2 (3), put a=3 (4), del b (5), put c="" (6). */
  private static Stores history(Stores s) {
    return s.put("a", "1").put("b", "2").put("a", "3").delete("b").put("c", "");
  }

  /**
   * Numbers reported by etcd 3.4.23's {@code etcdctl endpoint hashkv} for the same history: rows
   * are hashed in etcd's encoding, so the hashes agree with etcd's.
   */
  @Test
  void matchesEtcdForTheSameHistory() throws Exception {
    try (Stores s = Stores.open(tmp.resolve("m"))) {
      KvHasher.KvHash fresh = KvHasher.hashKv(s.backend, 0);
      assertThat(fresh.hash()).isEqualTo(1084519789L);
      assertThat(fresh.compactRevision()).isEqualTo(-1);
      assertThat(fresh.hashRevision()).isEqualTo(1);

      history(s);
      assertThat(KvHasher.hashKv(s.backend, 0).hash()).isEqualTo(1947802976L);
      assertThat(KvHasher.hashKv(s.backend, 0).hashRevision()).isEqualTo(6);
      assertThat(KvHasher.hashKv(s.backend, 4).hash()).isEqualTo(2069675932L);

      s.compact(4, true);
      KvHasher.KvHash afterCompact = KvHasher.hashKv(s.backend, 0);
      assertThat(afterCompact.hash()).isEqualTo(323977103L);
      assertThat(afterCompact.compactRevision()).isEqualTo(4);
      assertThat(KvHasher.hashKv(s.backend, 5).hash()).isEqualTo(1468967122L);

      s.delete("a"); // etcdctl del a c: the range [a, c)
      assertThat(KvHasher.hashKv(s.backend, 0).hash()).isEqualTo(1424837038L);
      s.compact(7, true);
      assertThat(KvHasher.hashKv(s.backend, 0).hash()).isEqualTo(338889381L);

      s.delete("c");
      s.compact(8, true);
      // Every key is gone: a compacted etcd member holds no row, so only the bucket name is
      // hashed.
      assertThat(KvHasher.hashKv(s.backend, 0).hash()).isEqualTo(1084519789L);
    }
  }

  @Test
  void equalForTheSameHistoryAndDifferentWhenAValueDiffers() {
    try (Stores a = history(Stores.open(tmp.resolve("a")));
        Stores b = history(Stores.open(tmp.resolve("b")));
        Stores c = Stores.open(tmp.resolve("c"))) {
      c.put("a", "1").put("b", "2").put("a", "X").delete("b").put("c", "");
      for (long rev = 0; rev <= 6; rev++) {
        assertThat(KvHasher.hashKv(a.backend, rev)).isEqualTo(KvHasher.hashKv(b.backend, rev));
      }
      assertThat(KvHasher.hashKv(a.backend, 3).hash()).isEqualTo(KvHasher.hashKv(c.backend, 3).hash());
      assertThat(KvHasher.hashKv(a.backend, 4).hash()).isNotEqualTo(KvHasher.hashKv(c.backend, 4).hash());
      assertThat(KvHasher.hashKv(a.backend, 0).hash()).isNotEqualTo(KvHasher.hashKv(c.backend, 0).hash());
      assertThat(KvHasher.hash(a.backend).hash()).isNotEqualTo(KvHasher.hash(c.backend).hash());
    }
  }

  /**
   * A member whose compaction is only scheduled (rows still on disk) and one that has deleted
   * them report the same hash for every revision above the compact revision.
   */
  @Test
  void stableWhetherOrNotCompactionHasDeletedTheRows() throws Exception {
    try (Stores done = history(Stores.open(tmp.resolve("done")));
        Stores pending = history(Stores.open(tmp.resolve("pending")))) {
      done.put("d", "4").delete("a").put("c", "5"); // 7, 8, 9
      pending.put("d", "4").delete("a").put("c", "5");
      done.compact(5, true);
      try (var scope = pending.backend.write()) {
        Txn<byte[]> txn = scope.txn();
        pending.backend.putLong(txn, Schema.SCHEDULED_COMPACT, 5);
        txn.commit();
      }
      assertThat(rowCount(done)).isLessThan(rowCount(pending));
      for (long rev = 6; rev <= 9; rev++) {
        assertThat(KvHasher.hashKv(done.backend, rev).hash())
            .as("rev %d", rev)
            .isEqualTo(KvHasher.hashKv(pending.backend, rev).hash());
      }
      // Everything deleted: still equal.
      done.delete("c", "d");
      pending.delete("c", "d");
      done.compact(9, true);
      try (var scope = pending.backend.write()) {
        Txn<byte[]> txn = scope.txn();
        pending.backend.putLong(txn, Schema.SCHEDULED_COMPACT, 9);
        txn.commit();
      }
      assertThat(KvHasher.hashKv(done.backend, 10).hash())
          .isEqualTo(KvHasher.hashKv(pending.backend, 10).hash());
    }
  }

  /**
   * Revisions whose bytes reach 0x80 (e.g. 200) used to end the hash's row scan early: the hash at
   * revision 200 then covered no row at all and missed changes made below it.
   */
  @Test
  void hashAtAHighRevisionCoversEveryRowBelowIt() throws Exception {
    try (Stores a = Stores.open(tmp.resolve("a"));
        Stores b = Stores.open(tmp.resolve("b"))) {
      for (int i = 1; i < 300; i++) {
        a.put("k" + (i % 7), "v" + i);
        b.put("k" + (i % 7), i == 100 ? "changed" : "v" + i);
      }
      assertThat(KvHasher.hashKv(a.backend, 200).hash())
          .isNotEqualTo(KvHasher.hashKv(b.backend, 200).hash());
      // Compacting at 200 really drops the superseded rows below it.
      long before = rowCount(a);
      a.compact(200, true);
      assertThat(rowCount(a)).isLessThanOrEqualTo(before - 190);
    }
  }

  @Test
  void refusesCompactedAndFutureRevisions() throws Exception {
    try (Stores s = history(Stores.open(tmp.resolve("m")))) {
      s.compact(4, false);
      assertThatThrownBy(() -> KvHasher.hashKv(s.backend, 4))
          .isInstanceOfSatisfying(
              MvccException.class, e -> assertThat(e.reason()).isEqualTo(MvccException.Reason.COMPACTED));
      assertThatThrownBy(() -> KvHasher.hashKv(s.backend, 7))
          .isInstanceOfSatisfying(
              MvccException.class,
              e -> assertThat(e.reason()).isEqualTo(MvccException.Reason.FUTURE_REVISION));
      assertThat(KvHasher.hashKv(s.backend, 5).hashRevision()).isEqualTo(5);
    }
  }

  @Test
  void backendHashIgnoresMemberLocalValues() {
    try (Stores a = history(Stores.open(tmp.resolve("a")));
        Stores b = history(Stores.open(tmp.resolve("b")))) {
      try (var scope = b.backend.write()) {
        Txn<byte[]> txn = scope.txn();
        b.backend.putLong(txn, Schema.MEMBER_ID, 42);
        b.backend.putLong(txn, Schema.TERM, 7);
        b.backend.putLong(txn, Schema.CONSISTENT_INDEX, 99);
        txn.commit();
      }
      assertThat(KvHasher.hash(a.backend)).isEqualTo(KvHasher.hash(b.backend));
      assertThat(KvHasher.hash(a.backend).revision()).isEqualTo(6);
      try (var scope = b.backend.write()) {
        Txn<byte[]> txn = scope.txn();
        b.backend.putLong(txn, Schema.CLUSTER_ID, 5);
        txn.commit();
      }
      assertThat(KvHasher.hash(a.backend).hash()).isNotEqualTo(KvHasher.hash(b.backend).hash());
    }
  }

  @Test
  void responseCarriesHashRevisionAsField4() throws Exception {
    KvHasher.KvHash h = new KvHasher.KvHash(0xfffffffeL, 3, 9, 10);
    var resp = h.toResponse(io.etcd.jetcd.api.ResponseHeader.newBuilder().setClusterId(1).build());
    assertThat(Integer.toUnsignedLong(resp.getHash())).isEqualTo(0xfffffffeL);
    assertThat(resp.getHeader().getRevision()).isEqualTo(10);
    var parsed = io.etcd.jetcd.api.HashKVResponse.parseFrom(resp.toByteArray());
    assertThat(parsed.getUnknownFields().getField(4).getVarintList()).containsExactly(9L);
  }

  private static long rowCount(Stores s) {
    try (var scope = s.backend.read()) {
        Txn<byte[]> txn = scope.txn();
      return s.backend.kv().stat(txn).entries;
    }
  }
}
