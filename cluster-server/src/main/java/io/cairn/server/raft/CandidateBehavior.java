package io.cairn.server.raft;

/**
 * Candidates and pre-candidates collect votes; any sign of a leader for the current term turns
 * them back into followers (Raft §5.2).
 */
final class CandidateBehavior implements RoleBehavior {
  static final CandidateBehavior INSTANCE = new CandidateBehavior();

  private CandidateBehavior() {}

  @Override
  public void tick(Raft r) {
    r.tickElection();
  }

  @Override
  public void step(Raft r, Message m) {
    MessageType myResponse =
        r.role == Role.PRE_CANDIDATE ? MessageType.PRE_VOTE_RESP : MessageType.VOTE_RESP;
    switch (m.type()) {
      case PROP -> throw new ProposalDroppedException(ProposalDroppedException.Reason.NO_LEADER, 0);
      case READ_INDEX -> {
        if (m.from() == 0) {
          throw new ProposalDroppedException(ProposalDroppedException.Reason.NO_LEADER, 0);
        }
      }
      case APP -> {
        r.becomeFollower(m.term(), m.from());
        FollowerBehavior.handleAppend(r, m);
      }
      case HEARTBEAT -> {
        r.becomeFollower(m.term(), m.from());
        FollowerBehavior.handleHeartbeat(r, m);
      }
      case SNAP -> {
        r.becomeFollower(m.term(), m.from());
        FollowerBehavior.handleSnapshot(r, m);
      }
      default -> {
        if (m.type() != myResponse) {
          return;
        }
        switch (r.poll(m.from(), !m.reject())) {
          case WON -> {
            if (r.role == Role.PRE_CANDIDATE) {
              r.campaign(false, false);
            } else {
              r.becomeLeader();
              Replication.bcastAppend(r);
            }
          }
          case LOST -> r.becomeFollower(r.term, 0);
          case PENDING -> {}
        }
      }
    }
  }
}
