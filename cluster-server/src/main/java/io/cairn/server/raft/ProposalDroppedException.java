package io.cairn.server.raft;

/**
 * A proposal (or read, or transfer) the node refused. Nothing was appended; the caller may retry,
 * typically against the leader the exception names when it is known.
 */
public final class ProposalDroppedException extends RuntimeException {
  public enum Reason {
    NOT_LEADER,
    NO_LEADER,
    LEADER_TRANSFER_IN_PROGRESS,
    CONF_CHANGE_PENDING,
    UNCOMMITTED_LIMIT_EXCEEDED,
    NOT_A_MEMBER
  }

  private final Reason reason;
  private final long leader;

  public ProposalDroppedException(Reason reason, long leader) {
    super(reason + (leader != 0 ? " (leader " + leader + ")" : ""), null, false, false);
    this.reason = reason;
    this.leader = leader;
  }

  public Reason reason() {
    return reason;
  }

  /** The leader this node knows of, 0 if none. */
  public long leader() {
    return leader;
  }
}
