package io.cairn.server.mvcc;

import io.cairn.server.storage.Backend;
import io.cairn.server.storage.Schema;
import io.etcd.jetcd.api.Event;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.lmdbjava.Txn;

/**
 * Writes of several applied entries in one LMDB transaction: the unit of group commit. Apply
 * thread only. Either {@link #commit()} succeeds, or the store stops taking writes (fail-stop):
 * the in-memory index already holds the batch's revisions, so limping on would diverge from disk.
 */
public final class WriteBatch implements AutoCloseable {
  private final MvccStore store;
  private final Backend.Write write;
  private final Txn<byte[]> txn;
  private final List<Runnable> afterCommit = new ArrayList<>();
  private final List<WriteTxn> writes = new ArrayList<>();
  private boolean done;

  WriteBatch(MvccStore store, Backend.Write write) {
    this.write = write;
    Txn<byte[]> txn = write.txn();
    this.store = store;
    this.txn = txn;
  }

  /** Starts the writes of one request; they all get the same main revision. */
  public WriteTxn begin() {
    WriteTxn w = new WriteTxn(store, txn);
    writes.add(w);
    return w;
  }

  /** The store's revision as this batch sees it, its own writes included. */
  public long currentRevision() {
    return store.writerRevision();
  }

  /** Every change of the batch, in revision order: what watchers are told after the commit. */
  public List<Event> events() {
    List<Event> all = new ArrayList<>();
    for (WriteTxn w : writes) {
      all.addAll(w.events());
    }
    return all;
  }

  /** Reads at the batch's view (its own writes included). */
  public RangeResult range(KeyRange range, long rev, long limit, boolean countOnly) {
    long current = store.writerRevision();
    return store.rangeIn(
        txn, range, rev, limit, countOnly, current, store.writerCompactRevision());
  }

  /**
   * Compacts at {@code rev}: logically now (reads below {@code rev} fail from here on), physically
   * in the background after this batch commits. The returned future completes when the superseded
   * rows are gone from disk.
   */
  public CompletableFuture<Void> compact(long rev) {
    store.checkCompact(rev);
    store.backend().putLong(txn, Schema.SCHEDULED_COMPACT, rev);
    CompletableFuture<Void> physical = new CompletableFuture<>();
    afterCommit.add(
        () ->
            store
                .schedulePhysicalCompaction(rev, store.compactIndex(rev))
                .whenComplete(
                    (v, e) -> {
                      if (e != null) {
                        physical.completeExceptionally(e);
                      } else {
                        physical.complete(null);
                      }
                    }));
    return physical;
  }

  /** Records the index of the last log entry this batch applies. */
  public void setConsistentIndex(long index) {
    putLongIfChanged(Schema.CONSISTENT_INDEX, index);
  }

  /**
   * Writes a meta value unless it is already stored as is. A batch that changes nothing then
   * leaves the LMDB transaction clean, and LMDB commits a clean transaction without writing or
   * syncing anything: a Ready that carries only a ReadIndex answer or heartbeats (no entries, no
   * hard state) costs no fsync, so a linearizable read waits for no disk.
   */
  private void putLongIfChanged(byte[] key, long value) {
    Backend backend = store.backend();
    byte[] stored = backend.meta().get(txn, key);
    if (stored != null && stored.length == Long.BYTES
        && ByteBuffer.wrap(stored).getLong() == value) {
      return;
    }
    backend.putLong(txn, key, value);
  }

  /** The LMDB transaction, for other stores (leases, members, ...) that commit with the batch. */
  public Txn<byte[]> txn() {
    return txn;
  }

  /**
   * Makes the batch durable (LMDB fsyncs on commit), then visible to readers. A batch that wrote
   * nothing commits without touching the disk: there is nothing new to make durable.
   */
  public void commit() {
    long rev = store.writerRevision();
    try {
      putLongIfChanged(Schema.CURRENT_REVISION, rev);
      write.commit();
    } catch (RuntimeException e) {
      store.markBroken();
      throw e;
    } finally {
      done = true;
    }
    store.publish(rev);
    afterCommit.forEach(Runnable::run);
  }

  @Override
  public void close() {
    if (!done) {
      store.markBroken();
      write.close();
      done = true;
    } else {
      write.close();
    }
  }
}
