package io.cairn.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EtcdMetricsTest {
  private final EtcdMetrics metrics = new EtcdMetrics("3.5.17");

  @AfterEach
  void close() {
    metrics.close();
  }

  private List<String> lines() {
    return Arrays.asList(metrics.scrape().split("\n"));
  }

  private List<String> linesStartingWith(String prefix) {
    return lines().stream().filter(l -> l.startsWith(prefix)).collect(Collectors.toList());
  }

  @Test
  void diskHistogramsHaveEtcdsBucketsAndHelp() {
    metrics.disk().walFsync(Duration.ofMillis(3));
    metrics.disk().walFsync(Duration.ofSeconds(20));
    metrics.disk().backendCommit(Duration.ofNanos(500_000));
    assertThat(lines())
        .contains(
            "# HELP etcd_disk_wal_fsync_duration_seconds"
                + " The latency distributions of fsync called by WAL.",
            "# TYPE etcd_disk_wal_fsync_duration_seconds histogram",
            "# HELP etcd_disk_backend_commit_duration_seconds"
                + " The latency distributions of commit called by backend.",
            "# TYPE etcd_disk_backend_commit_duration_seconds histogram",
            "etcd_disk_wal_fsync_duration_seconds_sum 20.003",
            "etcd_disk_wal_fsync_duration_seconds_count 2",
            "etcd_disk_backend_commit_duration_seconds_sum 0.0005",
            "etcd_disk_backend_commit_duration_seconds_count 1");
    String les = "0.001 0.002 0.004 0.008 0.016 0.032 0.064 0.128 0.256 0.512 1.024 2.048 4.096"
        + " 8.192 +Inf";
    List<String> expected = new ArrayList<>();
    long[] cumulative = {0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2};
    String[] bounds = les.split(" ");
    for (int i = 0; i < bounds.length; i++) {
      expected.add("etcd_disk_wal_fsync_duration_seconds_bucket{le=\"" + bounds[i] + "\"} "
          + cumulative[i]);
    }
    assertThat(linesStartingWith("etcd_disk_wal_fsync_duration_seconds_bucket"))
        .containsExactlyElementsOf(expected);
    assertThat(linesStartingWith("etcd_disk_backend_commit_duration_seconds_bucket"))
        .hasSize(15)
        .first()
        .isEqualTo("etcd_disk_backend_commit_duration_seconds_bucket{le=\"0.001\"} 1");
  }

  @Test
  void peerRoundTripHasToLabelAndSixteenBuckets() {
    metrics.network().peerRoundTrip("8e9e05c52164694d", Duration.ofNanos(150_000));
    metrics.network().peerSent("8e9e05c52164694d", 1024);
    metrics.network().peerReceived("91bc3c398fb3c146", 2048);
    List<String> buckets = linesStartingWith("etcd_network_peer_round_trip_time_seconds_bucket");
    assertThat(buckets.stream().map(l -> l.replaceAll(".*le=\"([^\"]+)\".*", "$1")))
        .containsExactly("0.0001", "0.0002", "0.0004", "0.0008", "0.0016", "0.0032", "0.0064",
            "0.0128", "0.0256", "0.0512", "0.1024", "0.2048", "0.4096", "0.8192", "1.6384",
            "3.2768", "+Inf");
    assertThat(buckets.get(0))
        .isEqualTo(
            "etcd_network_peer_round_trip_time_seconds_bucket{To=\"8e9e05c52164694d\","
                + "le=\"0.0001\"} 0");
    assertThat(buckets.get(1)).endsWith("le=\"0.0002\"} 1");
    assertThat(lines())
        .contains(
            "# TYPE etcd_network_peer_sent_bytes_total counter",
            "etcd_network_peer_sent_bytes_total{To=\"8e9e05c52164694d\"} 1024",
            "etcd_network_peer_received_bytes_total{From=\"91bc3c398fb3c146\"} 2048",
            "# HELP etcd_network_peer_round_trip_time_seconds"
                + " Round-Trip-Time histogram between peers");
    // A labeled family with no series is not listed, as in Go.
    assertThat(metrics.scrape()).doesNotContain("etcd_network_peer_sent_failures_total");
  }

  @Test
  void serverFamilyHasEtcdsTypesAndValues() {
    metrics.server().hasLeader().bindBoolean(() -> true);
    metrics.server().isLeader().bindBoolean(() -> false);
    metrics.server().proposalsPending().bindLong(() -> 7);
    metrics.server().quotaBackendBytes().bindLong(() -> 2L << 30);
    metrics.server().proposalsCommitted(42);
    metrics.server().proposalApplied();
    metrics.server().proposalFailed();
    metrics.server().leaderChanged("election");
    metrics.server().serverId(0x8e9e05c52164694dL);
    metrics.server().clusterVersion("3.5");
    metrics.server().healthCheck(true);
    metrics.server().slowApply();
    metrics.server().heartbeatSendFailure();
    assertThat(lines())
        .contains(
            "# HELP etcd_server_has_leader Whether or not a leader exists. 1 is existence, 0 is"
                + " not.",
            "# TYPE etcd_server_has_leader gauge",
            "etcd_server_has_leader 1",
            "etcd_server_is_leader 0",
            "etcd_server_is_learner 0",
            "# TYPE etcd_server_proposals_committed_total gauge",
            "etcd_server_proposals_committed_total 42",
            "# TYPE etcd_server_proposals_applied_total gauge",
            "etcd_server_proposals_applied_total 1",
            "# TYPE etcd_server_proposals_pending gauge",
            "etcd_server_proposals_pending 7",
            "# TYPE etcd_server_proposals_failed_total counter",
            "etcd_server_proposals_failed_total 1",
            "# TYPE etcd_server_leader_changes_seen_total counter",
            "etcd_server_leader_changes_seen_total 1",
            "cairn_leader_changes_total{reason=\"election\"} 1",
            "etcd_server_quota_backend_bytes 2.147483648e+09",
            "etcd_server_id{server_id=\"8e9e05c52164694d\"} 1",
            "etcd_server_version{server_version=\"3.5.17\"} 1",
            "etcd_cluster_version{cluster_version=\"3.5\"} 1",
            "# TYPE etcd_server_health_success counter",
            "etcd_server_health_success 1",
            "etcd_server_health_failures 0",
            "etcd_server_slow_apply_total 1",
            "etcd_server_heartbeat_send_failures_total 1",
            "# TYPE etcd_server_snapshot_apply_in_progress_total gauge",
            "etcd_server_snapshot_apply_in_progress_total 0");
  }

  @Test
  void mvccLeaseAndSnapshotFamilies() {
    metrics.mvcc().mvccPut(10);
    metrics.mvcc().mvccRange();
    metrics.mvcc().mvccDelete();
    metrics.mvcc().mvccTxn();
    metrics.mvcc().keys().bindLong(() -> 3);
    metrics.mvcc().watchers().bindLong(() -> 2);
    metrics.mvcc().watchStreams().bindLong(() -> 1);
    metrics.mvcc().dbTotalSize().bindLong(() -> 24_829_952);
    metrics.mvcc().dbTotalSizeInUse().bindLong(() -> 20_480);
    metrics.mvcc().dbCompactionDone(Duration.ofMillis(150), 5);
    metrics.lease().leaseGranted(60);
    metrics.lease().leaseRevoked();
    metrics.snapshot().snapshotSave(Duration.ofMillis(2), Duration.ofMillis(1));
    assertThat(lines())
        .contains(
            "# TYPE etcd_mvcc_put_total counter",
            "etcd_mvcc_put_total 1",
            "etcd_mvcc_range_total 1",
            "etcd_debugging_mvcc_range_total 1",
            "etcd_mvcc_delete_total 1",
            "etcd_mvcc_txn_total 1",
            "# TYPE etcd_debugging_mvcc_keys_total gauge",
            "etcd_debugging_mvcc_keys_total 3",
            "etcd_debugging_mvcc_watcher_total 2",
            "etcd_debugging_mvcc_watch_stream_total 1",
            "etcd_mvcc_db_total_size_in_bytes 2.4829952e+07",
            "etcd_mvcc_db_total_size_in_use_in_bytes 20480",
            "etcd_debugging_mvcc_total_put_size_in_bytes 10",
            "etcd_debugging_mvcc_db_compaction_keys_total 5",
            "etcd_debugging_mvcc_db_compaction_total_duration_milliseconds_bucket{le=\"100\"} 0",
            "etcd_debugging_mvcc_db_compaction_total_duration_milliseconds_bucket{le=\"200\"} 1",
            "etcd_debugging_mvcc_db_compaction_total_duration_milliseconds_bucket{le=\"819200\"} 1",
            "# TYPE etcd_debugging_lease_granted_total counter",
            "etcd_debugging_lease_granted_total 1",
            "etcd_debugging_lease_revoked_total 1",
            "etcd_debugging_lease_ttl_total_bucket{le=\"64\"} 1",
            "etcd_debugging_lease_ttl_total_bucket{le=\"8.388608e+06\"} 1",
            "etcd_debugging_snap_save_total_duration_seconds_bucket{le=\"0.002\"} 1",
            "etcd_debugging_snap_save_total_duration_seconds_count 1");
  }

  @Test
  void outputIsGoShapedThroughout() {
    metrics.cairn().authFailure();
    metrics.cairn().request("etcdserverpb.KV/Range", Duration.ofMillis(1));
    List<String> lines = lines();
    List<String> families =
        lines.stream()
            .filter(l -> l.startsWith("# TYPE "))
            .map(l -> l.split(" ")[2])
            .collect(Collectors.toList());
    assertThat(families).isSorted().doesNotHaveDuplicates();
    assertThat(families)
        .contains("jvm_memory_used_bytes", "process_uptime_seconds", "os_fd_used",
            "cairn_auth_failures_total", "cairn_request_duration_seconds");
    assertThat(lines).contains("cairn_auth_failures_total 1",
        "cairn_request_duration_seconds_count{method=\"etcdserverpb.KV/Range\"} 1");
    for (String l : lines) {
      assertThat(l).doesNotContain("_created").doesNotContain("E-").doesNotContain("E+");
      if (l.startsWith("etcd_")) {
        assertThat(l).doesNotContain("_max").doesNotMatch(".* -?\\d+\\.0$");
      }
    }
    assertThat(metrics.scrape()).endsWith("\n");
    assertThat(EtcdMetrics.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
  }
}
