package io.cairn.console.core.cluster;

import io.cairn.console.core.session.ClusterSession;
import io.cairn.console.core.session.Failures;
import io.cairn.console.core.session.HttpStatusException;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.cluster.Member;
import io.etcd.jetcd.maintenance.AlarmMember;
import io.etcd.jetcd.maintenance.AlarmType;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.etcd.jetcd.options.CompactOption;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reads the cluster overview and runs the maintenance operations of the cluster page. Every method
 * returns at once; the futures complete on client threads.
 */
public final class ClusterInspector {
  private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(5);
  private static final String QUOTA_METRIC = "etcd_server_quota_backend_bytes";

  private final ClusterSession session;

  public ClusterInspector(ClusterSession session) {
    this.session = session;
  }

  /**
   * The member list, then every member's status and health (at its first client URL) and the
   * alarms and quota. Members that do not answer are in the overview as unreachable, with the
   * reason; the future fails only when the member list or the alarms cannot be read.
   */
  public CompletableFuture<ClusterOverview> fetch() {
    Client client = session.client();
    return client.getClusterClient().listMember().thenCompose(list -> {
      String clusterId = hex(list.getHeader().getClusterId());
      List<MemberView> members = list.getMembers().stream().map(ClusterInspector::view).toList();
      Map<String, CompletableFuture<MemberStatus>> statuses = new LinkedHashMap<>();
      for (MemberView m : members) {
        statuses.put(m.id(), status(m));
      }
      CompletableFuture<List<AlarmView>> alarms = client.getMaintenanceClient().listAlarms()
          .thenApply(r -> r.getAlarms().stream()
              .map(a -> new AlarmView(hex(a.getMemberId()), a.getAlarmType().name())).toList());
      CompletableFuture<OptionalLong> quota = quota(members);
      CompletableFuture<?>[] all = new CompletableFuture<?>[statuses.size() + 2];
      int i = 0;
      for (CompletableFuture<MemberStatus> s : statuses.values()) {
        all[i++] = s;
      }
      all[i++] = alarms;
      all[i] = quota;
      return CompletableFuture.allOf(all).thenApply(done -> {
        Map<String, MemberStatus> byId = new LinkedHashMap<>();
        statuses.forEach((id, f) -> byId.put(id, f.join()));
        String leaderId = null;
        long term = 0;
        for (MemberStatus s : byId.values()) {
          if (s.reachable() && s.leaderId() != null && s.raftTerm() >= term) {
            term = s.raftTerm();
            leaderId = s.leaderId();
          }
        }
        return new ClusterOverview(clusterId, members, byId, leaderId, term, alarms.join(), quota.join(),
            Instant.now());
      });
    });
  }

  /** Defragments the member with this ID (a blocking, slow operation on that member). */
  public CompletableFuture<Void> defragment(String memberId) {
    Client client = session.client();
    return client.getClusterClient().listMember().thenCompose(list -> {
      MemberView member = list.getMembers().stream().map(ClusterInspector::view)
          .filter(m -> m.id().equals(memberId)).findFirst().orElse(null);
      if (member == null) {
        return CompletableFuture.failedFuture(new IllegalArgumentException("no member " + memberId));
      }
      if (!member.started()) {
        return CompletableFuture.failedFuture(new IllegalStateException("member " + memberId + " has not started"));
      }
      return client.getMaintenanceClient().defragmentMember(member.clientUrls().get(0)).thenApply(r -> null);
    });
  }

  /**
   * Compacts the key-value history up to {@code revision}; with {@code physical} the future
   * completes only when the space is really reclaimed. Completes with the cluster's revision at
   * that moment; fails with etcd's own message for a revision at or below the current compact
   * revision or above the current revision.
   */
  public CompletableFuture<Long> compact(long revision, boolean physical) {
    return session.client().getKVClient()
        .compact(revision, CompactOption.builder().withCompactPhysical(physical).build())
        .thenApply(r -> r.getHeader().getRevision());
  }

  /** Clears one alarm. */
  public CompletableFuture<Void> disarm(AlarmView alarm) {
    AlarmType type;
    try {
      type = AlarmType.valueOf(alarm.alarm().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("unknown alarm " + alarm.alarm()));
    }
    return session.client().getMaintenanceClient()
        .alarmDisarm(new AlarmMember(Long.parseUnsignedLong(alarm.memberId(), 16), type))
        .thenApply(r -> null);
  }

  private CompletableFuture<MemberStatus> status(MemberView m) {
    if (!m.started()) {
      return CompletableFuture.completedFuture(
          MemberStatus.unreachable(m.id(), null, "not started yet (no client URLs)", null));
    }
    String endpoint = m.clientUrls().get(0);
    CompletableFuture<Boolean> health = health(endpoint);
    CompletableFuture<StatusResponse> status = session.memberStatus(endpoint, STATUS_TIMEOUT);
    return status.handle((s, failure) -> failure).thenCombine(health, (failure, healthy) -> {
      if (failure != null) {
        return MemberStatus.unreachable(m.id(), endpoint, Failures.describe(failure), healthy);
      }
      StatusResponse s = status.join();
      return new MemberStatus(m.id(), endpoint, true, null, s.getVersion(), s.getDbSize(), s.getDbSizeInUse(),
          s.getLeader() == 0 ? null : hex(s.getLeader()), s.getRaftTerm(), s.getRaftIndex(),
          s.getRaftAppliedIndex(), s.getErrorList(), s.isLearner(), healthy);
    });
  }

  /** {@code GET /health}: true/false from the body or a 503; null when the member cannot be asked. */
  private CompletableFuture<Boolean> health(String endpoint) {
    return session.httpGet(endpoint, "/health").orTimeout(HTTP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .handle((body, failure) -> {
          if (failure == null) {
            return body.replace(" ", "").contains("\"health\":\"true\"");
          }
          return Failures.unwrap(failure) instanceof HttpStatusException e && e.status() == 503 ? false : null;
        });
  }

  /** The quota from the first started member whose {@code /metrics} has it. */
  private CompletableFuture<OptionalLong> quota(List<MemberView> members) {
    List<String> endpoints = new ArrayList<>();
    members.stream().filter(MemberView::started).forEach(m -> endpoints.add(m.clientUrls().get(0)));
    return quota(endpoints, 0);
  }

  private CompletableFuture<OptionalLong> quota(List<String> endpoints, int index) {
    if (index >= endpoints.size()) {
      return CompletableFuture.completedFuture(OptionalLong.empty());
    }
    return session.httpGet(endpoints.get(index), "/metrics").orTimeout(HTTP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .handle((text, failure) -> failure == null ? parseQuota(text) : OptionalLong.empty())
        .thenCompose(q -> q.isPresent() ? CompletableFuture.completedFuture(q) : quota(endpoints, index + 1));
  }

  /** The value of the {@value #QUOTA_METRIC} sample in Prometheus text format. */
  static OptionalLong parseQuota(String metrics) {
    for (String line : metrics.split("\n")) {
      if (line.startsWith(QUOTA_METRIC + " ") || line.startsWith(QUOTA_METRIC + "{")) {
        // "name value [timestamp]" or "name{labels} value [timestamp]"
        String rest = line.substring(Math.max(QUOTA_METRIC.length(), line.lastIndexOf('}') + 1)).trim();
        String value = rest.split("\\s+")[0];
        try {
          return OptionalLong.of((long) Double.parseDouble(value));
        } catch (NumberFormatException e) {
          return OptionalLong.empty();
        }
      }
    }
    return OptionalLong.empty();
  }

  static MemberView view(Member m) {
    return new MemberView(hex(m.getId()), m.getName(),
        m.getPeerURIs().stream().map(URI::toString).toList(),
        m.getClientURIs().stream().map(URI::toString).toList(), m.isLearner());
  }

  /** An unsigned 64-bit ID as 16 lower-case hex digits. */
  static String hex(long id) {
    return String.format("%016x", id);
  }
}
