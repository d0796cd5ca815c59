package io.cairn.server.mvcc;

import io.cairn.server.util.DaemonThreads;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.server.storage.Backend;
import io.cairn.server.storage.Schema;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.lmdbjava.CursorIterable;
import org.lmdbjava.Txn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The multi-version key-value store: rows in LMDB keyed by revision, and an in-memory {@link
 * KeyIndex} from user key to revisions.
 *
 * <p>Threads: one writer (the apply thread) uses {@link #beginBatch()}; any thread may read. A
 * revision becomes visible to readers only after the LMDB transaction that wrote it has committed
 * (and so is on disk): readers look at most at the published {@link #currentRevision()}.
 */
public final class MvccStore implements RangeReader, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MvccStore.class);
  private static final int COMPACTION_BATCH = 10_000;

  private final Backend backend;
  private final KeyIndex index = new KeyIndex();
  private final ExecutorService compactor =
      Executors.newSingleThreadExecutor(
          DaemonThreads.named("mvcc-compactor"));

  private volatile long currentRevision;
  private volatile long compactRevision;
  /** Writer-side revision: includes writes of the batch not yet committed. */
  private long writerRevision;
  /** Writer-side compact revision: includes compactions of the batch not yet committed. */
  private long writerCompactRevision;
  private volatile boolean broken;

  private MvccStore(Backend backend) {
    this.backend = backend;
  }

  /** Opens the store over {@code backend}, rebuilding the key index from the rows. */
  public static MvccStore open(Backend backend) {
    MvccStore s = new MvccStore(backend);
    s.recover();
    return s;
  }

  /**
   * Rebuilds the key index and revisions from the rows, after a snapshot from the leader
   * replaced them. Writer thread, between batches.
   */
  public void reload() {
    index.clear();
    recover();
  }

  private void recover() {
    long maxMain = 1;
    long scheduled;
    long finished;
    try (Backend.Read r = backend.read();
        CursorIterable<byte[]> rows = backend.kv().iterate(r.txn())) {
      Txn<byte[]> txn = r.txn();
      for (CursorIterable.KeyVal<byte[]> row : rows) {
        byte[] k = row.key();
        long main = RevisionKeys.main(k);
        long sub = RevisionKeys.sub(k);
        KeyValue kv = parse(row.val());
        KeyHistory h = index.getOrCreate(kv.getKey());
        if (RevisionKeys.isTombstone(k)) {
          h.append(main, sub, true, 0, 0);
        } else {
          h.append(main, sub, false, kv.getCreateRevision(), kv.getVersion());
        }
        maxMain = Math.max(maxMain, main);
      }
      maxMain = Math.max(maxMain, backend.getLong(txn, Schema.CURRENT_REVISION, 1));
      scheduled = backend.getLong(txn, Schema.SCHEDULED_COMPACT, 0);
      finished = backend.getLong(txn, Schema.FINISHED_COMPACT, 0);
    }
    currentRevision = maxMain;
    writerRevision = maxMain;
    compactRevision = scheduled;
    writerCompactRevision = scheduled;
    if (scheduled > 0) {
      List<RowId> keep = new ArrayList<>();
      index.compact(scheduled, (m, sub) -> keep.add(new RowId(m, sub)));
      if (finished < scheduled) {
        log.info("resuming interrupted compaction at revision {}", scheduled);
        compactor.submit(() -> deleteCompactedRows(scheduled, keep));
      }
    }
  }

  public long currentRevision() {
    return currentRevision;
  }

  public long compactRevision() {
    return compactRevision;
  }

  public long consistentIndex() {
    try (Backend.Read r = backend.read()) {
      return backend.getLong(r.txn(), Schema.CONSISTENT_INDEX, 0);
    }
  }

  /** Number of live keys at the current revision. */
  public long keyCount() {
    return index.liveCount(currentRevision);
  }

  public Backend backend() {
    return backend;
  }

  /**
   * Reads {@code range} as of revision {@code rev} (0 = current). At most {@code limit} key-values
   * are returned (0 = no limit); {@code count} always covers the whole range.
   */
  @Override
  public RangeResult range(KeyRange range, long rev, long limit, boolean countOnly) {
    long current = currentRevision;
    try (Backend.Read r = backend.read()) {
      return rangeIn(r.txn(), range, rev, limit, countOnly, current);
    }
  }

  RangeResult rangeIn(
      Txn<byte[]> txn, KeyRange range, long rev, long limit, boolean countOnly, long current) {
    return rangeIn(txn, range, rev, limit, countOnly, current, 0);
  }

  /**
   * As above; {@code compactFloor} is the writer's compact revision for reads inside a batch,
   * which must already see the batch's compactions, and 0 for everyone else.
   */
  RangeResult rangeIn(
      Txn<byte[]> txn,
      KeyRange range,
      long rev,
      long limit,
      boolean countOnly,
      long current,
      long compactFloor) {
    long at = rev <= 0 ? current : rev;
    if (at > current) {
      throw new MvccException(MvccException.Reason.FUTURE_REVISION);
    }
    if (at < Math.max(compactRevision, compactFloor)) {
      throw new MvccException(MvccException.Reason.COMPACTED);
    }
    Collection<Map.Entry<ByteString, KeyHistory>> histories = index.range(range);
    List<KeyValue> kvs = new ArrayList<>();
    long count = 0;
    for (Map.Entry<ByteString, KeyHistory> e : histories) {
      KeyHistory.Snapshot s = e.getValue().snapshot();
      int i = s.liveAt(at);
      if (i < 0) {
        continue;
      }
      count++;
      if (!countOnly && (limit <= 0 || kvs.size() < limit)) {
        byte[] row = backend.kv().get(txn, RevisionKeys.encode(s.main(i), s.sub(i), false));
        if (row == null) {
          // The row went away under us: only compaction removes rows.
          throw new MvccException(MvccException.Reason.COMPACTED);
        }
        kvs.add(parse(row));
      }
    }
    // A compaction that started while we read may have trimmed the index below us.
    if (at < compactRevision) {
      throw new MvccException(MvccException.Reason.COMPACTED);
    }
    return new RangeResult(kvs, count, current);
  }

  /**
   * The changes to keys in {@code range} with main revisions {@code from..to}, oldest first, for
   * watchers catching up. Stops after about {@code maxEvents} events, at a revision boundary.
   *
   * @throws MvccException COMPACTED when {@code from} is below the compact revision
   */
  public History history(KeyRange range, long from, long to, boolean withPrev, int maxEvents) {
    if (from < compactRevision) {
      throw new MvccException(MvccException.Reason.COMPACTED);
    }
    List<Event> events = new ArrayList<>();
    long last = to;
    // The end is checked here, not by an lmdbjava range: lmdbjava compares byte[] range bounds as
    // signed bytes (the database is not opened with MDB_UNSIGNEDKEY) while LMDB orders keys
    // unsigned, so a closed range could stop short of its end (history up to 200 came back empty).
    try (Backend.Read r = backend.read();
        CursorIterable<byte[]> rows =
            backend.kv().iterate(
                r.txn(), org.lmdbjava.KeyRange.atLeast(RevisionKeys.encode(from, 0, false)))) {
      for (CursorIterable.KeyVal<byte[]> row : rows) {
        long main = RevisionKeys.main(row.key());
        if (main > to) {
          break;
        }
        if (events.size() >= maxEvents && main > events.get(events.size() - 1).getKv()
            .getModRevision()) {
          last = main - 1;
          break;
        }
        KeyValue kv = parse(row.val());
        if (!range.contains(kv.getKey())) {
          continue;
        }
        Event.Builder e =
            Event.newBuilder()
                .setType(RevisionKeys.isTombstone(row.key())
                    ? Event.EventType.DELETE : Event.EventType.PUT)
                .setKv(kv);
        if (withPrev) {
          KeyValue prev = previous(r.txn(), kv.getKey(), main);
          if (prev != null) {
            e.setPrevKv(prev);
          }
        }
        events.add(e.build());
      }
    }
    if (from < compactRevision) {
      throw new MvccException(MvccException.Reason.COMPACTED);
    }
    return new History(events, last);
  }

  private KeyValue previous(Txn<byte[]> txn, ByteString key, long rev) {
    KeyHistory h = index.get(key);
    if (h == null) {
      return null;
    }
    KeyHistory.Snapshot s = h.snapshot();
    int i = s.liveAt(rev - 1);
    if (i < 0) {
      return null;
    }
    byte[] row = backend.kv().get(txn, RevisionKeys.encode(s.main(i), s.sub(i), false));
    return row == null ? null : parse(row);
  }

  /** Opens a read-only view pinned at the current revision. */
  public ReadView readView() {
    long current = currentRevision;
    return new ReadView(this, backend.read(), current);
  }

  /** Starts a batch of writes in one LMDB transaction. Apply thread only. */
  public WriteBatch beginBatch() {
    if (broken) {
      throw new IllegalStateException("mvcc store stopped after a failed write");
    }
    return new WriteBatch(this, backend.write());
  }

  // ---- writer-side operations, used by WriteBatch and WriteTxn ----

  long writerRevision() {
    return writerRevision;
  }

  void advanceWriterRevision(long rev) {
    writerRevision = rev;
  }

  KeyIndex index() {
    return index;
  }

  void markBroken() {
    broken = true;
  }

  void publish(long revision) {
    currentRevision = revision;
  }

  long writerCompactRevision() {
    return writerCompactRevision;
  }

  /** Checks a compaction at {@code rev} against the writer's view and reserves it. */
  void checkCompact(long rev) {
    if (rev <= writerCompactRevision) {
      throw new MvccException(MvccException.Reason.COMPACTED);
    }
    if (rev > writerRevision) {
      throw new MvccException(MvccException.Reason.FUTURE_REVISION);
    }
    writerCompactRevision = rev;
  }

  /** Logical compaction: called by the writer once the batch that scheduled it is published. */
  List<RowId> compactIndex(long rev) {
    // Publish first: a reader below the new boundary that checks after this point fails cleanly
    // instead of seeing a half-trimmed index.
    compactRevision = rev;
    List<RowId> keep = new ArrayList<>();
    index.compact(rev, (m, sub) -> keep.add(new RowId(m, sub)));
    return keep;
  }

  CompletableFuture<Void> schedulePhysicalCompaction(long rev, List<RowId> keep) {
    return CompletableFuture.runAsync(() -> deleteCompactedRows(rev, keep), compactor);
  }

  /**
   * Deletes the rows at or below {@code rev} that the index no longer refers to, in batches so
   * that writers are not held up, then records the compaction as finished. Crash-safe at any
   * point: the scheduled revision is already durable, so recovery redoes what is left.
   */
  private void deleteCompactedRows(long rev, List<RowId> keepList) {
    java.util.Set<RowId> keep = new java.util.HashSet<>(keepList);
    byte[] end = RevisionKeys.after(rev);
    byte[] from = RevisionKeys.encode(0, 0, false);
    boolean more = true;
    long deleted = 0;
    while (more) {
      more = false;
      try (Backend.Write w = backend.write()) {
        Txn<byte[]> txn = w.txn();
        int n = 0;
        List<byte[]> victims = new ArrayList<>();
        try (CursorIterable<byte[]> rows =
            backend.kv().iterate(txn, org.lmdbjava.KeyRange.closedOpen(from, end))) {
          for (CursorIterable.KeyVal<byte[]> row : rows) {
            byte[] k = row.key();
            from = k;
            if (!keep.contains(new RowId(RevisionKeys.main(k), RevisionKeys.sub(k)))
                || RevisionKeys.isTombstone(k)) {
              victims.add(k);
              if (++n >= COMPACTION_BATCH) {
                more = true;
                break;
              }
            }
          }
        }
        for (byte[] k : victims) {
          backend.kv().delete(txn, k);
        }
        deleted += victims.size();
        if (!more) {
          backend.putLong(txn, Schema.FINISHED_COMPACT, rev);
        }
        w.commit();
      }
    }
    log.info("finished compaction at revision {}, {} rows removed", rev, deleted);
  }

  static KeyValue parse(byte[] row) {
    try {
      return KeyValue.parseFrom(row);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt mvcc row", e);
    }
  }

  /** Identity of one row: main and sub revision. */
  record RowId(long main, long sub) {}

  @Override
  public void close() {
    compactor.shutdown();
    try {
      compactor.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
