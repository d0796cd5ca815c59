package io.cairn.server.raft;

import java.util.HashSet;
import java.util.Set;

/**
 * Applying a committed single-server membership change (Raft thesis §4.1). Changes take effect
 * when applied, so the leader allows only one unapplied change at a time.
 */
final class Membership {
  private Membership() {}

  static ConfState applyConfChange(Raft r, ConfChange cc) {
    ConfState cs = cc.applyTo(r.prs.config);
    Set<Long> before = new HashSet<>(r.prs.progress.keySet());
    r.prs.applyConfig(cs, r.log.lastIndex() + 1);
    Progress self = r.prs.progress.get(r.id);
    if (self == null || self.learner) {
      if (r.role == Role.LEADER) {
        // Removed (or demoted) leader: the change is committed, so hand over by stepping down; the
        // remaining voters elect a successor after an election timeout.
        r.becomeFollower(r.term, 0);
      }
      return cs;
    }
    if (r.role != Role.LEADER || cs.voters().isEmpty()) {
      return cs;
    }
    // The quorum changed: commit may advance (after a removal), and new peers need probing.
    if (Replication.maybeCommit(r)) {
      Replication.bcastAppend(r);
    } else {
      for (long peer : r.prs.progress.keySet()) {
        if (peer != r.id) {
          // Probe a new member right away rather than at the next heartbeat.
          Replication.maybeSendAppend(r, peer, !before.contains(peer));
        }
      }
    }
    if (r.leadTransferee != 0 && !cs.voters().contains(r.leadTransferee)) {
      r.leadTransferee = 0;
    }
    return cs;
  }
}
