package io.cairn.console.core.timeline;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A change of leader as one member (or, after {@link LeaderTimeline#merge}, several members) saw
 * it. Leaders are member IDs in hex, empty when there was none (or, from a metric, unknown); term 0
 * means unknown.
 *
 * @param member the member that saw the change; after a merge, every member that saw it, joined
 *     with commas in the order they saw it (see {@link #seenBy()})
 */
public record LeaderChange(Instant time, String member, long term, String previousLeader,
    String leader, String reason, Source source) {

  /** Where the change was learnt. */
  public enum Source {
    /** Cairn's {@code /cairn/v1/events}: exact time, term and leaders. */
    CAIRN_EVENTS,
    /** An increase of {@code etcd_server_leader_changes_seen_total} between two scrapes. */
    METRIC
  }

  public LeaderChange {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(source, "source");
    member = member == null ? "" : member;
    previousLeader = previousLeader == null ? "" : previousLeader;
    leader = leader == null ? "" : leader;
    reason = reason == null ? "" : reason;
  }

  /** The members that saw this change. */
  public List<String> seenBy() {
    return member.isEmpty() ? List.of() : Arrays.stream(member.split(",")).toList();
  }

  /** Whether the cluster had no leader after this change. */
  public boolean lostLeader() {
    return leader.isEmpty() && source == Source.CAIRN_EVENTS;
  }
}
