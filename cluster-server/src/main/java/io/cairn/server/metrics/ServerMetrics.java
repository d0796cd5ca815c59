package io.cairn.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;

/**
 * etcd's {@code etcd_server_*} family: leadership, proposals, health checks, identity. Names,
 * types and help texts are etcd 3.5's; note that etcd exposes the committed and applied proposal
 * counts as gauges holding the raft index.
 */
public final class ServerMetrics {
  private final SuppliedGauge hasLeader;
  private final SuppliedGauge isLeader;
  private final SuppliedGauge isLearner;
  private final Counter leaderChanges;
  private final Counter cairnLeaderChanges;
  private final Counter heartbeatSendFailures;
  private final Counter slowApplies;
  private final Gauge snapshotApplyInProgress;
  private final Gauge proposalsCommitted;
  private final Gauge proposalsApplied;
  private final SuppliedGauge proposalsPending;
  private final Counter proposalsFailed;
  private final Counter slowReadIndexes;
  private final Counter readIndexesFailed;
  private final Counter leaseExpired;
  private final SuppliedGauge quotaBackendBytes;
  private final Gauge version;
  private final Gauge serverId;
  private final Gauge clusterVersion;
  private final Counter healthSuccess;
  private final Counter healthFailures;
  private final Counter learnerPromoteSuccesses;
  private final Counter learnerPromoteFailures;

  ServerMetrics(Families f, String serverVersion) {
    hasLeader = f.suppliedGauge("etcd_server_has_leader",
        "Whether or not a leader exists. 1 is existence, 0 is not.");
    isLeader = f.suppliedGauge("etcd_server_is_leader",
        "Whether or not this member is a leader. 1 if is, 0 otherwise.");
    isLearner = f.suppliedGauge("etcd_server_is_learner",
        "Whether or not this member is a learner. 1 if is, 0 otherwise.");
    leaderChanges = f.counter("etcd_server_leader_changes_seen_total",
        "The number of leader changes seen.");
    cairnLeaderChanges = f.counter("cairn_leader_changes_total",
        "The number of leader changes seen, by the reason the new leader was elected.", "reason");
    heartbeatSendFailures = f.counter("etcd_server_heartbeat_send_failures_total",
        "The total number of leader heartbeat send failures (likely overloaded from slow disk).");
    slowApplies = f.counter("etcd_server_slow_apply_total",
        "The total number of slow apply requests (likely overloaded from slow disk).");
    snapshotApplyInProgress = f.gauge("etcd_server_snapshot_apply_in_progress_total",
        "1 if the server is applying the incoming snapshot. 0 if none.");
    proposalsCommitted = f.gauge("etcd_server_proposals_committed_total",
        "The total number of consensus proposals committed.");
    proposalsApplied = f.gauge("etcd_server_proposals_applied_total",
        "The total number of consensus proposals applied.");
    proposalsPending = f.suppliedGauge("etcd_server_proposals_pending",
        "The current number of pending proposals to commit.");
    proposalsFailed = f.counter("etcd_server_proposals_failed_total",
        "The total number of failed proposals seen.");
    slowReadIndexes = f.counter("etcd_server_slow_read_indexes_total",
        "The total number of pending read indexes not in sync with leader's or timed out read"
            + " index requests.");
    readIndexesFailed = f.counter("etcd_server_read_indexes_failed_total",
        "The total number of failed read indexes seen.");
    leaseExpired = f.counter("etcd_debugging_server_lease_expired_total",
        "The total number of expired leases.");
    quotaBackendBytes = f.suppliedGauge("etcd_server_quota_backend_bytes",
        "Current backend storage quota size in bytes.");
    version = f.gauge("etcd_server_version",
        "Which version is running. 1 for 'server_version' label with current version.",
        "server_version");
    serverId = f.gauge("etcd_server_id",
        "Server or member ID in hexadecimal format. 1 for 'server_id' label with current ID.",
        "server_id");
    clusterVersion = f.gauge("etcd_cluster_version",
        "Which version is running. 1 for 'cluster_version' label with current cluster version",
        "cluster_version");
    healthSuccess = f.counter("etcd_server_health_success",
        "The total number of successful health checks");
    healthFailures = f.counter("etcd_server_health_failures",
        "The total number of failed health checks");
    learnerPromoteSuccesses = f.counter("etcd_server_learner_promote_successes",
        "The total number of successful learner promotions while this member is leader.");
    learnerPromoteFailures = f.counter("etcd_server_learner_promote_failures",
        "The total number of failed learner promotions (likely learner not ready) while this"
            + " member is leader.",
        "Reason");
    version.labelValues(serverVersion).set(1);
  }

  /** 1 while the member knows a leader. */
  public SuppliedGauge hasLeader() {
    return hasLeader;
  }

  /** 1 while this member is the leader. */
  public SuppliedGauge isLeader() {
    return isLeader;
  }

  /** 1 while this member is a learner. */
  public SuppliedGauge isLearner() {
    return isLearner;
  }

  /** The number of proposals queued but not yet committed. */
  public SuppliedGauge proposalsPending() {
    return proposalsPending;
  }

  /** The backend quota ({@code --quota-backend-bytes}, or the default when 0). */
  public SuppliedGauge quotaBackendBytes() {
    return quotaBackendBytes;
  }

  /**
   * A leader change was seen (a new term with a known leader): counts etcd's {@code
   * etcd_server_leader_changes_seen_total} and Cairn's {@code cairn_leader_changes_total{reason}}.
   */
  public void leaderChanged(String reason) {
    leaderChanges.inc();
    cairnLeaderChanges.labelValues(reason).inc();
  }

  public void heartbeatSendFailure() {
    heartbeatSendFailures.inc();
  }

  /** An apply took longer than etcd's warning threshold (100 ms). */
  public void slowApply() {
    slowApplies.inc();
  }

  public void snapshotApplyInProgress(boolean inProgress) {
    snapshotApplyInProgress.set(inProgress ? 1 : 0);
  }

  public void proposalCommitted() {
    proposalsCommitted.inc();
  }

  public void proposalApplied() {
    proposalsApplied.inc();
  }

  /** Sets the committed count to the commit index, as etcd does on every raft Ready. */
  public void proposalsCommitted(long commitIndex) {
    proposalsCommitted.set(commitIndex);
  }

  /** Sets the applied count to the applied index, as etcd does after each apply. */
  public void proposalsApplied(long appliedIndex) {
    proposalsApplied.set(appliedIndex);
  }

  public void proposalFailed() {
    proposalsFailed.inc();
  }

  public void slowReadIndex() {
    slowReadIndexes.inc();
  }

  public void readIndexFailed() {
    readIndexesFailed.inc();
  }

  public void leaseExpired() {
    leaseExpired.inc();
  }

  /** Publishes the member ID, in etcd's hex form (no leading zeros). */
  public void serverId(long memberId) {
    serverId.clear();
    serverId.labelValues(Long.toHexString(memberId)).set(1);
  }

  /** Publishes the cluster version once it is decided, e.g. {@code 3.5}. */
  public void clusterVersion(String majorMinor) {
    clusterVersion.clear();
    clusterVersion.labelValues(majorMinor).set(1);
  }

  /** Counts one {@code /health} check, as etcd's health handler does. */
  public void healthCheck(boolean healthy) {
    (healthy ? healthSuccess : healthFailures).inc();
  }

  public void learnerPromoted() {
    learnerPromoteSuccesses.inc();
  }

  public void learnerPromoteFailed(String reason) {
    learnerPromoteFailures.labelValues(reason).inc();
  }
}
