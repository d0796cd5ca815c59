package io.cairn.console.core.cluster;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The whole cluster at one moment.
 *
 * @param clusterId   16 hex digits
 * @param statusById  by member ID; every member of {@code members} has an entry
 * @param leaderId    the leader named by the reachable members in the highest term, or null
 * @param term        that highest term (0 when no member answered)
 * @param quotaBytes  the backend quota from {@code /metrics}, when a member published it
 */
public record ClusterOverview(String clusterId, List<MemberView> members, Map<String, MemberStatus> statusById,
    String leaderId, long term, List<AlarmView> alarms, OptionalLong quotaBytes, Instant fetchedAt) {
  public ClusterOverview {
    members = List.copyOf(members);
    statusById = Map.copyOf(statusById);
    alarms = List.copyOf(alarms);
  }

  /**
   * How far {@code memberId} is behind: the leader's raft index minus the member's applied index
   * (0 for the leader itself when it has applied everything); -1 when the leader or the member is
   * unknown or unreachable.
   */
  public long lag(String memberId) {
    MemberStatus leader = leaderId == null ? null : statusById.get(leaderId);
    MemberStatus member = statusById.get(memberId);
    if (leader == null || member == null || !leader.reachable() || !member.reachable()) {
      return -1;
    }
    return Math.max(0, leader.raftIndex() - member.raftAppliedIndex());
  }

  public boolean hasLeader() {
    return leaderId != null;
  }

  /** The member with this ID, if it is in the list. */
  public java.util.Optional<MemberView> member(String memberId) {
    return members.stream().filter(m -> m.id().equals(memberId)).findFirst();
  }
}
