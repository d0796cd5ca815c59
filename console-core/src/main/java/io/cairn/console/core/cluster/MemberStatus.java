package io.cairn.console.core.cluster;

import java.util.List;

/**
 * What one member says about itself (Maintenance Status, {@code GET /health}).
 *
 * @param endpoint  the client URL the status was asked at, or null if the member has none
 * @param reachable false when Status failed; then {@code error} says why and the numbers are 0
 * @param leaderId  the leader this member knows of (16 hex digits), or null if none
 * @param errors    the member's own errors (e.g. "NOSPACE" alarms it reports)
 * @param healthy   from {@code /health}; null when that could not be asked
 */
public record MemberStatus(String memberId, String endpoint, boolean reachable, String error, String version,
    long dbSize, long dbSizeInUse, String leaderId, long raftTerm, long raftIndex, long raftAppliedIndex,
    List<String> errors, boolean learner, Boolean healthy) {
  public MemberStatus {
    errors = errors == null ? List.of() : List.copyOf(errors);
  }

  static MemberStatus unreachable(String memberId, String endpoint, String error, Boolean healthy) {
    return new MemberStatus(memberId, endpoint, false, error, null, 0, 0, null, 0, 0, 0, List.of(), false, healthy);
  }
}
