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
        r.handleAppend(m);
      }
      case HEARTBEAT -> {
        heardFromLeader(r, m);
        r.handleHeartbeat(m);
      }
      case SNAP -> {
        heardFromLeader(r, m);
        r.handleSnapshot(m);
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
}
