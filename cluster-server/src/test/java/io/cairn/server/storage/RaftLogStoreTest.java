package io.cairn.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.server.raft.ConfState;
import io.cairn.server.raft.Entry;
import io.cairn.server.raft.EntryType;
import io.cairn.server.raft.HardState;
import io.cairn.server.raft.MemoryStorage;
import io.cairn.server.raft.Snapshot;
import io.cairn.server.raft.SnapshotMeta;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The persisted Raft log against the in-memory one as an oracle: random appends (with conflicting
 * suffixes replaced), hard states, membership and snapshot points, with the environment closed and
 * reopened at random; after each step, what {@link RaftLogStore#load()} returns must equal the
 * oracle.
 */
class RaftLogStoreTest {
  @TempDir Path dir;

  @Test
  void reloadedLogEqualsAnInMemoryOracleAcrossRandomOperationsAndReopens() {
    long seed = Long.getLong("raftlog.seed", System.nanoTime());
    Random rnd = new Random(seed);
    MemoryStorage oracle = new MemoryStorage();
    Backend backend = Backend.open(dir, 256L << 20);
    RaftLogStore store = new RaftLogStore(backend);
    long term = 1;
    try {
      for (int step = 0; step < 400; step++) {
        int op = rnd.nextInt(10);
        long first = oracle.firstIndex();
        long last = oracle.lastIndex();
        try (Backend.Write w = backend.write()) {
          if (op < 6) {
            // Append after some existing entry (possibly overwriting a suffix), as a follower does.
            long from = Math.max(first, last + 1 - rnd.nextInt(3));
            term += rnd.nextInt(2);
            List<Entry> batch = new ArrayList<>();
            int n = 1 + rnd.nextInt(4);
            for (int i = 0; i < n; i++) {
              byte[] data = new byte[rnd.nextInt(20)];
              rnd.nextBytes(data);
              EntryType type = rnd.nextInt(8) == 0 ? EntryType.CONF_CHANGE : EntryType.DATA;
              batch.add(new Entry(term, from + i, type, data));
            }
            store.append(w.txn(), batch);
            oracle.append(batch);
          } else if (op < 8) {
            HardState hs = new HardState(term, rnd.nextInt(4), Math.max(0, last - rnd.nextInt(3)));
            store.setHardState(w.txn(), hs);
            oracle.setHardState(hs);
          } else if (op == 8) {
            ConfState cs = new ConfState(Set.of(1L, 2L, (long) (3 + rnd.nextInt(3))),
                rnd.nextBoolean() ? Set.of(9L) : Set.of());
            store.setConfState(w.txn(), cs);
            oracle.setConfState(cs);
          } else if (last > first) {
            long at = first + rnd.nextInt((int) (last - first));
            ConfState cs = ConfState.ofVoters(1L, 2L, 3L);
            Snapshot snap = oracle.createSnapshot(at, cs, null);
            oracle.compact(at);
            store.setSnapshot(w.txn(), new SnapshotMeta(at, snap.term(), cs));
          }
          w.commit();
        }
        if (rnd.nextInt(25) == 0) {
          backend.close();
          backend = Backend.open(dir, 256L << 20);
          store = new RaftLogStore(backend);
        }
        assertSame(oracle, store.load(), seed, step);
      }
    } finally {
      backend.close();
    }
  }

  private static void assertSame(MemoryStorage want, MemoryStorage got, long seed, int step) {
    String at = "seed " + seed + " (replay with -Draftlog.seed=" + seed + "), step " + step;
    assertThat(got.firstIndex()).as(at).isEqualTo(want.firstIndex());
    assertThat(got.lastIndex()).as(at).isEqualTo(want.lastIndex());
    assertThat(got.hardState()).as(at).isEqualTo(want.hardState());
    assertThat(got.term(want.firstIndex() - 1)).as(at).isEqualTo(want.term(want.firstIndex() - 1));
    if (want.lastIndex() >= want.firstIndex()) {
      assertThat(got.entries(want.firstIndex(), want.lastIndex() + 1, Long.MAX_VALUE)).as(at)
          .isEqualTo(want.entries(want.firstIndex(), want.lastIndex() + 1, Long.MAX_VALUE));
    }
  }

  /**
   * Log indexes whose big-endian bytes reach 0x80 (200, 5000) used to end lmdbjava's range scan
   * early, leaving entries below the snapshot in the file.
   */
  @Test
  void compactingTheLogDropsEveryEntryAtOrBelowTheSnapshotWhateverItsBytes(@TempDir Path d) {
    Backend backend = Backend.open(d, 256L << 20);
    try {
      RaftLogStore store = new RaftLogStore(backend);
      try (Backend.Write w = backend.write()) {
        List<Entry> entries = new ArrayList<>();
        for (long i = 1; i <= 6000; i++) {
          entries.add(new Entry(1, i, EntryType.DATA, new byte[] {(byte) i}));
        }
        store.append(w.txn(), entries);
        w.commit();
      }
      for (long at : new long[] {200, 5000}) {
        try (Backend.Write w = backend.write()) {
          store.setSnapshot(w.txn(), new SnapshotMeta(at, 1, ConfState.ofVoters(1L)));
          w.commit();
        }
        List<Long> left = new ArrayList<>();
        try (Backend.Read r = backend.read();
            org.lmdbjava.CursorIterable<byte[]> rows = backend.db(RaftLogStore.LOG_DB).iterate(r.txn())) {
          rows.forEach(row -> left.add(java.nio.ByteBuffer.wrap(row.key()).getLong()));
        }
        assertThat(left).as("entries after a snapshot at %d", at).hasSize((int) (6000 - at));
        assertThat(left.get(0)).isEqualTo(at + 1);
      }
    } finally {
      backend.close();
    }
  }

  @Test
  void freshStoreIsEmptyAndRemembersHardState(@TempDir Path d) {
    try (Backend b = Backend.open(d, 64L << 20)) {
      RaftLogStore s = new RaftLogStore(b);
      assertThat(s.isEmpty()).isTrue();
      try (Backend.Write w = b.write()) {
        s.setHardState(w.txn(), new HardState(3, 2, 0));
        w.commit();
      }
      assertThat(s.isEmpty()).isFalse();
      assertThat(s.load().hardState()).isEqualTo(new HardState(3, 2, 0));
    }
  }
}
