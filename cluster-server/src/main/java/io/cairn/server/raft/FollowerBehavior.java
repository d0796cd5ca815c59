package io.cairn.server.raft;

/** A follower accepts the leader's log, forwards requests to it, and times out into elections. */
final class FollowerBehavior implements RoleBehavior {
  static final FollowerBehavior INSTANCE = new FollowerBehavior();

  private FollowerBehavior() {}

  @Override
  public void tick(Raft r) {
    r.tickElection();
  }

  @Override
  public void step(Raft r, Message m) {
    switch (m.type()) {
      case PROP -> throw new ProposalDroppedException(
          r.leader == 0
              ? ProposalDroppedException.Reason.NO_LEADER
              : ProposalDroppedException.Reason.NOT_LEADER,
          r.leader);
      case APP -> {
        heardFromLeader(r, m);
        handleAppend(r, m);
      }
      case HEARTBEAT -> {
        heardFromLeader(r, m);
        handleHeartbeat(r, m);
      }
      case SNAP -> {
        heardFromLeader(r, m);
        handleSnapshot(r, m);
      }
      case TRANSFER_LEADER -> {
        if (r.leader != 0) {
          r.forward(m, r.leader);
        }
      }
      case TIMEOUT_NOW -> r.hup(true);
      case READ_INDEX -> {
        if (r.leader == 0) {
          if (m.from() == 0) {
            throw new ProposalDroppedException(ProposalDroppedException.Reason.NO_LEADER, 0);
          }
          return;
        }
        r.forward(m, r.leader);
      }
      case READ_INDEX_RESP -> r.readStates.add(new ReadState(m.index(), m.context()));
      default -> {
        // Stale responses from an earlier role: nothing to do.
      }
    }
  }

  private static void heardFromLeader(Raft r, Message m) {
    r.electionElapsed = 0;
    r.leader = m.from();
  }

  // Handlers shared with candidates, which turn follower on hearing from a leader.

  static void handleAppend(Raft r, Message m) {
    if (m.index() < r.log.committed) {
      // Stale or duplicated: everything up to our commit index matches the leader already.
      r.send(Message.builder(MessageType.APP_RESP).to(m.from()).index(r.log.committed));
      return;
    }
    long lastNew = r.log.maybeAppend(m.index(), m.logTerm(), m.commit(), m.entries());
    if (lastNew >= 0) {
      r.send(Message.builder(MessageType.APP_RESP).to(m.from()).index(lastNew));
      return;
    }
    // Tell the leader the last index at or below its probe where our term is no newer than its
    // probe's term: every index between cannot match, so it can skip them (fast backtracking).
    long hintIndex = Math.min(m.index(), r.log.lastIndex());
    hintIndex = r.log.findConflictByTerm(hintIndex, m.logTerm());
    long hintTerm = r.log.termOrZero(hintIndex);
    r.send(
        Message.builder(MessageType.APP_RESP)
            .to(m.from())
            .index(m.index())
            .reject(true)
            .rejectHint(hintIndex)
            .logTerm(hintTerm));
  }

  static void handleHeartbeat(Raft r, Message m) {
    r.log.commitTo(m.commit());
    r.send(Message.builder(MessageType.HEARTBEAT_RESP).to(m.from()).context(m.context()));
  }

  static void handleSnapshot(Raft r, Message m) {
    Snapshot s = m.snapshot();
    if (s != null && restore(r, s)) {
      r.send(Message.builder(MessageType.APP_RESP).to(m.from()).index(r.log.lastIndex()));
    } else {
      r.send(Message.builder(MessageType.APP_RESP).to(m.from()).index(r.log.committed));
    }
  }

  /** Replaces our log with the snapshot unless we already have what it covers. */
  static boolean restore(Raft r, Snapshot s) {
    if (s.index() <= r.log.committed) {
      return false;
    }
    if (r.role != Role.FOLLOWER) {
      // Only a leader of our term sends snapshots, and we follow it; anything else is a bug
      // elsewhere, so refuse and start over in a fresh term.
      r.becomeFollower(r.term + 1, 0);
      return false;
    }
    if (r.log.matchTerm(s.index(), s.term())) {
      // Our log already contains the snapshot's last entry, so it matches up to there.
      r.log.commitTo(s.index());
      return false;
    }
    r.log.restore(s);
    r.prs.progress.clear();
    r.prs.applyConfig(s.meta().confState(), r.log.lastIndex() + 1);
    return true;
  }
}
