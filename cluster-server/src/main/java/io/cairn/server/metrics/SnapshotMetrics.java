package io.cairn.server.metrics;

import io.prometheus.metrics.core.metrics.Histogram;
import java.time.Duration;

/** etcd's raft snapshot ({@code snap}) and v3 snapshot ({@code snap_db}) save latencies. */
public final class SnapshotMetrics {
  private final Histogram saveTotal;
  private final Histogram saveMarshalling;
  private final Histogram fsync;
  private final Histogram dbSaveTotal;
  private final Histogram dbFsync;

  SnapshotMetrics(Families f) {
    saveMarshalling = f.histogram("etcd_debugging_snap_save_marshalling_duration_seconds",
        "The marshalling cost distributions of save called by snapshot.",
        DiskMetrics.FSYNC_BUCKETS);
    saveTotal = f.histogram("etcd_debugging_snap_save_total_duration_seconds",
        "The total latency distributions of save called by snapshot.",
        DiskMetrics.FSYNC_BUCKETS);
    fsync = f.histogram("etcd_snap_fsync_duration_seconds",
        "The latency distributions of fsync called by snap.", DiskMetrics.FSYNC_BUCKETS);
    dbSaveTotal = f.histogram("etcd_snap_db_save_total_duration_seconds",
        "The total latency distributions of v3 snapshot save", Families.exponential(0.1, 2, 10));
    dbFsync = f.histogram("etcd_snap_db_fsync_duration_seconds",
        "The latency distributions of fsyncing .snap.db file", DiskMetrics.FSYNC_BUCKETS);
  }

  /** One raft snapshot saved: total time, and the part spent marshalling. */
  public void snapshotSave(Duration total, Duration marshalling) {
    saveTotal.observe(Seconds.of(total));
    saveMarshalling.observe(Seconds.of(marshalling));
  }

  public void snapshotFsync(Duration d) {
    fsync.observe(Seconds.of(d));
  }

  /** One v3 database snapshot received and saved ({@code .snap.db}): total, and its fsync. */
  public void dbSnapshotSave(Duration total, Duration fsyncTime) {
    dbSaveTotal.observe(Seconds.of(total));
    dbFsync.observe(Seconds.of(fsyncTime));
  }
}
