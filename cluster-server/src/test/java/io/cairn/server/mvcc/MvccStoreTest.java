package io.cairn.server.mvcc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.cairn.server.storage.Backend;
import io.cairn.server.storage.Schema;
import io.etcd.jetcd.api.KeyValue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmdbjava.CursorIterable;
import org.lmdbjava.Txn;
import org.slf4j.LoggerFactory;

/** Worked examples of the store's revision, version and compaction rules. */
class MvccStoreTest {
  private static final long MAP_SIZE = 256L << 20;
  private static final KeyRange ALL = KeyRange.of(bs("\0"), bs("\0"));

  @TempDir Path dir;
  private Backend backend;
  private MvccStore store;

  @BeforeAll
  static void quietCompactionLog() {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(MvccStore.class))
        .setLevel(ch.qos.logback.classic.Level.WARN);
  }

  @BeforeEach
  void open() {
    backend = Backend.open(dir, MAP_SIZE);
    store = MvccStore.open(backend);
  }

  @AfterEach
  void close() {
    store.close();
    backend.close();
  }

  private void reopen() {
    close();
    open();
  }

  @Test
  void newStoreStartsAtRevisionOneWithNothingInIt() {
    assertThat(store.currentRevision()).isEqualTo(1);
    assertThat(store.compactRevision()).isZero();
    RangeResult r = store.range(ALL, 0, 0, false);
    assertThat(r.kvs()).isEmpty();
    assertThat(r.count()).isZero();
    assertThat(r.revision()).isEqualTo(1);
    assertThatThrownBy(() -> store.range(ALL, 2, 0, false))
        .isInstanceOfSatisfying(
            MvccException.class,
            e -> assertThat(e.reason()).isEqualTo(MvccException.Reason.FUTURE_REVISION));
  }

  @Test
  void versionResetsAfterDeleteAndCreateRevisionIsTheFirstPutOfTheGeneration() {
    put("k", "1"); // 2
    put("k", "2"); // 3
    delete("k"); // 4
    put("k", "3"); // 5
    put("k", "4"); // 6
    KeyValue kv = store.range(KeyRange.of(bs("k"), ByteString.EMPTY), 0, 0, false).kvs().get(0);
    assertThat(kv.getCreateRevision()).isEqualTo(5);
    assertThat(kv.getModRevision()).isEqualTo(6);
    assertThat(kv.getVersion()).isEqualTo(2);
    KeyValue old = store.range(KeyRange.of(bs("k"), ByteString.EMPTY), 3, 0, false).kvs().get(0);
    assertThat(old.getCreateRevision()).isEqualTo(2);
    assertThat(old.getVersion()).isEqualTo(2);
    assertThat(store.range(KeyRange.of(bs("k"), ByteString.EMPTY), 4, 0, false).kvs()).isEmpty();
  }

  @Test
  void deleteThatDeletesNothingDoesNotTakeARevision() {
    put("a", "1");
    try (WriteBatch b = store.beginBatch()) {
      WriteTxn w = b.begin();
      assertThat(w.deleteRange(KeyRange.of(bs("b"), bs("c")))).isEmpty();
      assertThat(w.changed()).isFalse();
      assertThat(w.currentRevision()).isEqualTo(2);
      b.commit();
    }
    assertThat(store.currentRevision()).isEqualTo(2);
  }

  @Test
  void compactionRefusesRevisionsAtOrBelowThePreviousOneAndAboveTheCurrentOne() throws Exception {
    put("a", "1");
    put("a", "2");
    put("a", "3"); // current 4
    compact(3);
    assertThat(compactReason(3)).isEqualTo(MvccException.Reason.COMPACTED);
    assertThat(compactReason(2)).isEqualTo(MvccException.Reason.COMPACTED);
    assertThat(compactReason(5)).isEqualTo(MvccException.Reason.FUTURE_REVISION);
    compact(4);
    assertThat(store.compactRevision()).isEqualTo(4);
  }

  @Test
  void readsBelowTheCompactRevisionFailAndAtItSucceed() throws Exception {
    put("a", "1"); // 2
    put("a", "2"); // 3
    put("b", "1"); // 4
    delete("b"); // 5
    put("c", "1"); // 6
    compact(5);
    assertThatThrownBy(() -> store.range(ALL, 4, 0, false))
        .isInstanceOfSatisfying(
            MvccException.class,
            e -> assertThat(e.reason()).isEqualTo(MvccException.Reason.COMPACTED));
    RangeResult at5 = store.range(ALL, 5, 0, false);
    assertThat(keysAndValues(at5.kvs())).containsExactly("a=2");
    assertThat(at5.revision()).isEqualTo(6);
    assertThat(rowRevisions()).containsExactly("3.0", "6.0");
  }

  @Test
  void reopenRebuildsTheIndexAndKeepsTheCompactRevision() throws Exception {
    put("a", "1"); // 2
    put("a", "2"); // 3
    delete("a"); // 4
    put("b", "1"); // 5
    compact(4);
    reopen();
    assertThat(store.currentRevision()).isEqualTo(5);
    assertThat(store.compactRevision()).isEqualTo(4);
    assertThat(compactReason(4)).isEqualTo(MvccException.Reason.COMPACTED);
    assertThat(keysAndValues(store.range(ALL, 0, 0, false).kvs())).containsExactly("b=1");
    put("a", "3"); // 6: a new generation
    KeyValue a = store.range(KeyRange.of(bs("a"), ByteString.EMPTY), 0, 0, false).kvs().get(0);
    assertThat(a.getVersion()).isEqualTo(1);
    assertThat(a.getCreateRevision()).isEqualTo(6);
  }

  @Test
  void currentRevisionIsRememberedEvenWhenCompactionRemovedItsOnlyRow() throws Exception {
    put("a", "1"); // 2
    delete("a"); // 3: a tombstone, which compaction at 3 removes from disk
    compact(3);
    assertThat(rowRevisions()).isEmpty();
    reopen();
    assertThat(store.currentRevision()).isEqualTo(3);
    put("b", "1");
    assertThat(store.currentRevision()).isEqualTo(4);
  }

  @Test
  void compactionInterruptedBeforeItsRowsWereDeletedIsFinishedOnReopen() {
    put("a", "1"); // 2
    put("a", "2"); // 3
    put("b", "1"); // 4
    delete("b"); // 5
    put("c", "1"); // 6
    // As if the member stopped right after the batch that scheduled compaction at 5 committed.
    try (var w = backend.write()) {
      backend.putLong(w.txn(), Schema.SCHEDULED_COMPACT, 5);
      w.commit();
    }
    reopen();
    assertThat(store.compactRevision()).isEqualTo(5);
    assertThatThrownBy(() -> store.range(ALL, 4, 0, false)).isInstanceOf(MvccException.class);
    assertThat(keysAndValues(store.range(ALL, 5, 0, false).kvs())).containsExactly("a=2");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              try (var r = backend.read()) {
                return backend.getLong(r.txn(), Schema.FINISHED_COMPACT, 0) == 5;
              }
            });
    assertThat(rowRevisions()).containsExactly("3.0", "6.0");
  }

  /**
   * A compaction applied in a batch that has not committed yet must not refuse reads at the
   * revision readers are still at: in etcd a read at the current revision is never compacted.
   * Here compacting a revision the batch itself wrote publishes the new compact revision before
   * the revision itself is published, so for the whole commit (an fsync) every plain read fails
   * with "required revision has been compacted".
   */
  @Test
  void readAtCurrentRevisionIsNotRefusedWhileABatchCompactsItsOwnUncommittedRevision() {
    put("a", "1"); // 2, committed and published
    try (WriteBatch b = store.beginBatch()) {
      b.begin().put(bs("b"), bs("1"), 0); // 3, not committed yet
      b.compact(3);
      assertThat(store.currentRevision()).isEqualTo(2);
      RangeResult r = store.range(ALL, 0, 0, false);
      assertThat(r.revision()).isEqualTo(2);
      assertThat(keysAndValues(r.kvs())).containsExactly("a=1");
      b.commit();
    }
  }

  @Test
  void batchReadsSeeTheBatchsOwnWritesBeforeCommitAndOthersDoNot() {
    put("a", "1");
    try (WriteBatch b = store.beginBatch()) {
      b.begin().put(bs("b"), bs("1"), 0);
      b.begin().put(bs("c"), bs("1"), 0);
      RangeResult inBatch = b.range(ALL, 0, 0, false);
      assertThat(inBatch.revision()).isEqualTo(4);
      assertThat(keysAndValues(inBatch.kvs())).containsExactly("a=1", "b=1", "c=1");
      RangeResult outside = store.range(ALL, 0, 0, false);
      assertThat(outside.revision()).isEqualTo(2);
      assertThat(keysAndValues(outside.kvs())).containsExactly("a=1");
      b.commit();
    }
    assertThat(store.currentRevision()).isEqualTo(4);
  }

  /**
   * The Raft driver commits a batch for every Ready, also for one that applies nothing (a ReadIndex
   * answer for a linearizable read, heartbeats). Such a batch must not write: LMDB then commits
   * without touching the file, so the read waits for no fsync. A batch that does apply something
   * is written and durable as before.
   */
  @Test
  void batchThatChangesNothingLeavesTheFileAlone() {
    try (WriteBatch b = store.beginBatch()) {
      b.begin().put(bs("a"), bs("1"), 0); // 2
      b.setConsistentIndex(7);
      b.commit();
    }
    long txnId = lastTransactionId();
    try (WriteBatch b = store.beginBatch()) {
      b.setConsistentIndex(7);
      b.commit();
    }
    try (WriteBatch b = store.beginBatch()) {
      b.begin().deleteRange(KeyRange.of(bs("nothing"), ByteString.EMPTY));
      b.setConsistentIndex(7);
      b.commit();
    }
    assertThat(lastTransactionId()).isEqualTo(txnId);
    assertThat(store.currentRevision()).isEqualTo(2);
    assertThat(store.consistentIndex()).isEqualTo(7);

    // An entry that changes no key still moves the consistent index, and that is written.
    try (WriteBatch b = store.beginBatch()) {
      b.setConsistentIndex(8);
      b.commit();
    }
    assertThat(lastTransactionId()).isGreaterThan(txnId);
    txnId = lastTransactionId();
    put("a", "2"); // 3
    assertThat(lastTransactionId()).isGreaterThan(txnId);
    reopen();
    assertThat(store.consistentIndex()).isEqualTo(8);
    assertThat(store.currentRevision()).isEqualTo(3);
    KeyValue at2 = store.range(KeyRange.of(bs("a"), ByteString.EMPTY), 2, 0, false).kvs().get(0);
    assertThat(at2.getValue().toStringUtf8()).isEqualTo("1");
    assertThat(at2.getModRevision()).isEqualTo(2);
  }

  // ---- helpers ----

  private long lastTransactionId() {
    return backend.env().info().lastTransactionId;
  }

  private void put(String k, String v) {
    try (WriteBatch b = store.beginBatch()) {
      b.begin().put(bs(k), bs(v), 0);
      b.commit();
    }
  }

  private void delete(String k) {
    try (WriteBatch b = store.beginBatch()) {
      b.begin().deleteRange(KeyRange.of(bs(k), ByteString.EMPTY));
      b.commit();
    }
  }

  private void compact(long rev) throws Exception {
    CompletableFuture<Void> physical;
    try (WriteBatch b = store.beginBatch()) {
      physical = b.compact(rev);
      b.commit();
    }
    physical.get(10, TimeUnit.SECONDS);
  }

  private MvccException.Reason compactReason(long rev) {
    try (WriteBatch b = store.beginBatch()) {
      try {
        b.compact(rev);
        return null;
      } catch (MvccException e) {
        return e.reason();
      } finally {
        b.commit();
      }
    }
  }

  private List<String> rowRevisions() {
    List<String> out = new ArrayList<>();
    try (var scope = backend.read();
        CursorIterable<byte[]> rows = backend.kv().iterate(scope.txn())) {
      for (CursorIterable.KeyVal<byte[]> row : rows) {
        out.add(
            RevisionKeys.main(row.key())
                + "."
                + RevisionKeys.sub(row.key())
                + (RevisionKeys.isTombstone(row.key()) ? "t" : ""));
      }
    }
    return out;
  }

  private static List<String> keysAndValues(List<KeyValue> kvs) {
    return kvs.stream()
        .map(kv -> kv.getKey().toStringUtf8() + "=" + kv.getValue().toStringUtf8())
        .toList();
  }

  private static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }
}
