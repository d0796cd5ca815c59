package io.cairn.server.raft;

import java.util.Map;

/**
 * The leader accepts proposals, replicates with per-follower flow control, answers ReadIndex after
 * a heartbeat round, and hands leadership over on request.
 */
final class LeaderBehavior implements RoleBehavior {
  static final LeaderBehavior INSTANCE = new LeaderBehavior();

  private LeaderBehavior() {}

  @Override
  public void tick(Raft r) {
    r.tickHeartbeat();
  }

  @Override
  public void step(Raft r, Message m) {
    switch (m.type()) {
      case PROP -> propose(r, m);
      case READ_INDEX -> {
        if (!ReadIndexFlow.committedEntryInCurrentTerm(r)) {
          // Our commit index may lag entries committed by earlier leaders until we commit one of
          // our own (thesis §6.4 step 1), so the request waits.
          r.pendingReadIndex.add(m);
        } else {
          ReadIndexFlow.startReadIndex(r, m);
        }
      }
      case TRANSFER_LEADER -> transfer(r, m.from());
      default -> fromPeer(r, m);
    }
  }

  private static void propose(Raft r, Message m) {
    if (!r.prs.progress.containsKey(r.id)) {
      throw new ProposalDroppedException(ProposalDroppedException.Reason.NOT_A_MEMBER, 0);
    }
    if (r.leadTransferee != 0) {
      throw new ProposalDroppedException(
          ProposalDroppedException.Reason.LEADER_TRANSFER_IN_PROGRESS, r.id);
    }
    long ccIndex = 0;
    for (int i = 0; i < m.entries().size(); i++) {
      if (m.entries().get(i).type() != EntryType.CONF_CHANGE) {
        continue;
      }
      // Single-server changes are only safe one at a time: the next may start once the previous
      // is applied, i.e. in force on this leader (thesis §4.1).
      if (ccIndex != 0 || r.pendingConfIndex > r.log.applied) {
        throw new ProposalDroppedException(
            ProposalDroppedException.Reason.CONF_CHANGE_PENDING, r.id);
      }
      ccIndex = r.log.lastIndex() + i + 1;
    }
    Replication.appendEntries(r, m.entries());
    if (ccIndex != 0) {
      r.pendingConfIndex = ccIndex;
    }
    Replication.bcastAppend(r);
  }

  private static void transfer(Raft r, long target) {
    Progress pr = r.prs.progress.get(target);
    if (pr == null || pr.learner || target == r.id) {
      return;
    }
    if (r.leadTransferee == target) {
      return;
    }
    r.leadTransferee = target;
    // The transfer gets one election timeout to finish before it is abandoned.
    r.electionElapsed = 0;
    if (pr.match == r.log.lastIndex()) {
      Replication.sendTimeoutNow(r, target);
    } else {
      Replication.maybeSendAppend(r, target, true);
    }
  }

  private static void fromPeer(Raft r, Message m) {
    Progress pr = r.prs.progress.get(m.from());
    if (pr == null) {
      return;
    }
    switch (m.type()) {
      case APP_RESP -> appendResponse(r, m, pr);
      case HEARTBEAT_RESP -> heartbeatResponse(r, m, pr);
      case SNAP_STATUS -> {
        if (pr.state != ProgressState.SNAPSHOT) {
          return;
        }
        if (m.reject()) {
          pr.pendingSnapshot = 0;
        }
        pr.becomeProbe();
        // Wait for the follower's answer (or a heartbeat round) before probing again.
        pr.probeSent = true;
      }
      case UNREACHABLE -> {
        // Optimistic streaming to a peer we cannot reach is wasted; fall back to probing.
        if (pr.state == ProgressState.REPLICATE) {
          pr.becomeProbe();
        }
      }
      default -> {}
    }
  }

  private static void appendResponse(Raft r, Message m, Progress pr) {
    pr.recentActive = true;
    if (m.reject()) {
      long nextProbe = m.rejectHint();
      if (m.logTerm() > 0) {
        // Jump over every index of ours whose term is newer than the follower's entry at the
        // hint: none of them can match.
        nextProbe = r.log.findConflictByTerm(m.rejectHint(), m.logTerm());
      }
      if (pr.maybeDecrTo(m.index(), nextProbe)) {
        if (pr.state == ProgressState.REPLICATE) {
          pr.becomeProbe();
        }
        Replication.maybeSendAppend(r, m.from(), true);
      }
      return;
    }
    boolean wasPaused = pr.isPaused();
    if (!pr.maybeUpdate(m.index())) {
      return;
    }
    switch (pr.state) {
      case PROBE -> pr.becomeReplicate();
      case SNAPSHOT -> {
        // The follower caught up past our compaction point: it can be fed from the log again.
        if (pr.match + 1 >= r.log.firstIndex()) {
          pr.becomeProbe();
          pr.becomeReplicate();
        }
      }
      case REPLICATE -> pr.inflights.freeLE(m.index());
    }
    if (Replication.maybeCommit(r)) {
      Replication.bcastAppend(r);
    } else if (wasPaused) {
      Replication.maybeSendAppend(r, m.from(), true);
    }
    // Fill the window while there are entries to send.
    while (Replication.maybeSendAppend(r, m.from(), false)) {
      // keep sending
    }
    if (m.from() == r.leadTransferee && pr.match == r.log.lastIndex()) {
      Replication.sendTimeoutNow(r, m.from());
    }
  }

  private static void heartbeatResponse(Raft r, Message m, Progress pr) {
    pr.recentActive = true;
    pr.probeSent = false;
    if (pr.state == ProgressState.REPLICATE && pr.inflights.full()) {
      pr.inflights.freeFirstOne();
    }
    if (pr.match < r.log.lastIndex()) {
      Replication.maybeSendAppend(r, m.from(), true);
    }
    if (m.context().length == 0) {
      return;
    }
    Map<Long, Boolean> acks = r.readOnly.recvAck(m.from(), m.context());
    if (acks == null || Quorum.voteResult(r.prs.config.voters(), acks) != Quorum.VoteResult.WON) {
      return;
    }
    for (ReadOnly.Pending p : r.readOnly.advance(m.context())) {
      ReadIndexFlow.respondReadIndex(r, p.request, p.index);
    }
  }
}
