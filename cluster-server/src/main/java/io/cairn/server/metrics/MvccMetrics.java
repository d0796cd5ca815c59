package io.cairn.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import java.time.Duration;

/**
 * etcd's {@code etcd_mvcc_*} and {@code etcd_debugging_mvcc_*} families: operation counts, store
 * and database sizes, watchers, and compaction. Sizes and counts that the store already knows are
 * bound as suppliers and read at scrape time.
 */
public final class MvccMetrics {
  private final Counter range;
  private final Counter rangeDebug;
  private final Counter put;
  private final Counter delete;
  private final Counter txn;
  private final SuppliedGauge keys;
  private final SuppliedGauge watchStreams;
  private final SuppliedGauge watchers;
  private final SuppliedGauge slowWatchers;
  private final Counter events;
  private final SuppliedGauge pendingEvents;
  private final SuppliedGauge dbTotalSize;
  private final SuppliedGauge dbTotalSizeInUse;
  private final SuppliedGauge dbOpenReadTxns;
  private final SuppliedGauge currentRevision;
  private final SuppliedGauge compactRevision;
  private final Gauge totalPutSize;
  private final Histogram indexCompactionPause;
  private final Histogram dbCompactionPause;
  private final Histogram dbCompactionTotal;
  private final Gauge dbCompactionLast;
  private final Counter dbCompactionKeys;
  private final Histogram hash;
  private final Histogram hashRev;

  MvccMetrics(Families f) {
    range = f.counter("etcd_mvcc_range_total", "Total number of ranges seen by this member.");
    rangeDebug = f.counter("etcd_debugging_mvcc_range_total",
        "Total number of ranges seen by this member.");
    put = f.counter("etcd_mvcc_put_total", "Total number of puts seen by this member.");
    delete = f.counter("etcd_mvcc_delete_total", "Total number of deletes seen by this member.");
    txn = f.counter("etcd_mvcc_txn_total", "Total number of txns seen by this member.");
    keys = f.suppliedGauge("etcd_debugging_mvcc_keys_total", "Total number of keys.");
    watchStreams = f.suppliedGauge("etcd_debugging_mvcc_watch_stream_total",
        "Total number of watch streams.");
    watchers = f.suppliedGauge("etcd_debugging_mvcc_watcher_total", "Total number of watchers.");
    slowWatchers = f.suppliedGauge("etcd_debugging_mvcc_slow_watcher_total",
        "Total number of unsynced slow watchers.");
    events = f.counter("etcd_debugging_mvcc_events_total",
        "Total number of events sent by this member.");
    pendingEvents = f.suppliedGauge("etcd_debugging_mvcc_pending_events_total",
        "Total number of pending events to be sent.");
    dbTotalSize = f.suppliedGauge("etcd_mvcc_db_total_size_in_bytes",
        "Total size of the underlying database physically allocated in bytes.");
    dbTotalSizeInUse = f.suppliedGauge("etcd_mvcc_db_total_size_in_use_in_bytes",
        "Total size of the underlying database logically in use in bytes.");
    dbOpenReadTxns = f.suppliedGauge("etcd_mvcc_db_open_read_transactions",
        "The number of currently open read transactions");
    currentRevision = f.suppliedGauge("etcd_debugging_mvcc_current_revision",
        "The current revision of store.");
    compactRevision = f.suppliedGauge("etcd_debugging_mvcc_compact_revision",
        "The revision of the last compaction in store.");
    totalPutSize = f.gauge("etcd_debugging_mvcc_total_put_size_in_bytes",
        "The total size of put kv pairs seen by this member.");
    indexCompactionPause = f.histogram(
        "etcd_debugging_mvcc_index_compaction_pause_duration_milliseconds",
        "Bucketed histogram of index compaction pause duration.",
        Families.exponential(0.5, 2, 14));
    dbCompactionPause = f.histogram("etcd_debugging_mvcc_db_compaction_pause_duration_milliseconds",
        "Bucketed histogram of db compaction pause duration.", Families.exponential(1, 2, 13));
    dbCompactionTotal = f.histogram("etcd_debugging_mvcc_db_compaction_total_duration_milliseconds",
        "Bucketed histogram of db compaction total duration.", Families.exponential(100, 2, 14));
    dbCompactionLast = f.gauge("etcd_debugging_mvcc_db_compaction_last",
        "The unix time of the last db compaction. Resets to 0 on start.");
    dbCompactionKeys = f.counter("etcd_debugging_mvcc_db_compaction_keys_total",
        "Total number of db keys compacted.");
    hash = f.histogram("etcd_mvcc_hash_duration_seconds",
        "The latency distribution of storage hash operation.", Families.exponential(0.01, 2, 15));
    hashRev = f.histogram("etcd_mvcc_hash_rev_duration_seconds",
        "The latency distribution of storage hash by revision operation.",
        Families.exponential(0.01, 2, 15));
  }

  /** One range read (etcd counts each Range, including those inside a txn). */
  public void mvccRange() {
    range.inc();
    rangeDebug.inc();
  }

  /** One put of {@code bytes} (key plus value). */
  public void mvccPut(long bytes) {
    put.inc();
    totalPutSize.inc(bytes);
  }

  public void mvccDelete() {
    delete.inc();
  }

  public void mvccTxn() {
    txn.inc();
  }

  /** The number of live keys. */
  public SuppliedGauge keys() {
    return keys;
  }

  public SuppliedGauge watchStreams() {
    return watchStreams;
  }

  public SuppliedGauge watchers() {
    return watchers;
  }

  public SuppliedGauge slowWatchers() {
    return slowWatchers;
  }

  public SuppliedGauge pendingEvents() {
    return pendingEvents;
  }

  /** {@code n} watch events were sent to clients. */
  public void eventsSent(int n) {
    events.inc(n);
  }

  /** The database file's size on disk. */
  public SuppliedGauge dbTotalSize() {
    return dbTotalSize;
  }

  /** The part of the database holding live pages. */
  public SuppliedGauge dbTotalSizeInUse() {
    return dbTotalSizeInUse;
  }

  public SuppliedGauge dbOpenReadTransactions() {
    return dbOpenReadTxns;
  }

  public SuppliedGauge currentRevision() {
    return currentRevision;
  }

  public SuppliedGauge compactRevision() {
    return compactRevision;
  }

  /** The in-memory index pause of a compaction. */
  public void indexCompactionPause(Duration d) {
    indexCompactionPause.observe(Seconds.millis(d));
  }

  /** One batch of physical compaction that held the backend's write lock. */
  public void dbCompactionPause(Duration d) {
    dbCompactionPause.observe(Seconds.millis(d));
  }

  /** A physical compaction finished: its whole duration and the rows it removed. */
  public void dbCompactionDone(Duration total, long keysRemoved) {
    dbCompactionTotal.observe(Seconds.millis(total));
    dbCompactionKeys.inc(keysRemoved);
    dbCompactionLast.set(System.currentTimeMillis() / 1000);
  }

  /** One HashKV (by revision) computed. */
  public void hashRev(Duration d) {
    hashRev.observe(Seconds.of(d));
  }

  /** One full-store Hash computed. */
  public void hash(Duration d) {
    hash.observe(Seconds.of(d));
  }
}
