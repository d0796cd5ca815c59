package io.cairn.server.metrics;

import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import java.time.Duration;

/** etcd's {@code etcd_disk_*} family: WAL fsyncs and backend commits, defrags and snapshots. */
public final class DiskMetrics {
  /** 0.001 s doubling 14 times, up to 8.192 s: etcd's WAL and backend commit buckets. */
  static final double[] FSYNC_BUCKETS = Families.exponential(0.001, 2, 14);

  private final Histogram walFsync;
  private final Gauge walWriteBytes;
  private final Histogram backendCommit;
  private final Histogram backendDefrag;
  private final Histogram backendSnapshot;

  DiskMetrics(Families f) {
    walFsync = f.histogram("etcd_disk_wal_fsync_duration_seconds",
        "The latency distributions of fsync called by WAL.", FSYNC_BUCKETS);
    walWriteBytes = f.gauge("etcd_disk_wal_write_bytes_total",
        "Total number of bytes written in WAL.");
    backendCommit = f.histogram("etcd_disk_backend_commit_duration_seconds",
        "The latency distributions of commit called by backend.", FSYNC_BUCKETS);
    backendDefrag = f.histogram("etcd_disk_backend_defrag_duration_seconds",
        "The latency distribution of backend defragmentation.",
        Families.exponential(0.1, 2, 13));
    backendSnapshot = f.histogram("etcd_disk_backend_snapshot_duration_seconds",
        "The latency distribution of backend snapshots.", Families.exponential(0.01, 2, 17));
  }

  /** One fsync of the write-ahead log (for Cairn's single-member path: the LMDB commit). */
  public void walFsync(Duration d) {
    walFsync.observe(Seconds.of(d));
  }

  public void walWritten(long bytes) {
    walWriteBytes.inc(bytes);
  }

  /** One commit of the backend transaction. */
  public void backendCommit(Duration d) {
    backendCommit.observe(Seconds.of(d));
  }

  public void backendDefrag(Duration d) {
    backendDefrag.observe(Seconds.of(d));
  }

  /** One backend snapshot sent to a client or peer, start to finish. */
  public void backendSnapshot(Duration d) {
    backendSnapshot.observe(Seconds.of(d));
  }
}
