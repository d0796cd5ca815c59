package io.cairn.server.raft;

import java.util.random.RandomGenerator;

/**
 * Static configuration of one node's consensus core.
 *
 * @param id this node's id, non-zero
 * @param electionTicks ticks without hearing from a leader before campaigning; the actual timeout
 *     is drawn from [electionTicks, 2·electionTicks) so split votes resolve (Raft §5.2)
 * @param heartbeatTicks ticks between leader heartbeats; must be below electionTicks
 * @param preVote run a pre-election first, so a node that cannot win does not raise its term and
 *     depose a healthy leader (Raft thesis §9.6)
 * @param checkQuorum a leader steps down when a quorum has not been heard from within an election
 *     timeout, and followers that heard from a leader recently ignore vote requests (thesis §6.2,
 *     §4.2.3)
 * @param maxInflightMsgs appends in flight per follower in REPLICATE state
 * @param maxSizePerMsg payload bytes per append message (at least one entry is always sent)
 * @param maxUncommittedBytes payload bytes the leader accepts beyond its commit index; 0 means
 *     unlimited
 * @param random the only source of randomness (election timeouts)
 * @param applied the index the driver's state machine has already applied (restarts)
 */
public record RaftConfig(
    long id,
    int electionTicks,
    int heartbeatTicks,
    boolean preVote,
    boolean checkQuorum,
    int maxInflightMsgs,
    long maxSizePerMsg,
    long maxUncommittedBytes,
    RandomGenerator random,
    long applied) {

  public RaftConfig {
    if (id == 0) {
      throw new IllegalArgumentException("id must be non-zero");
    }
    if (heartbeatTicks <= 0) {
      throw new IllegalArgumentException("heartbeatTicks must be positive");
    }
    if (electionTicks <= heartbeatTicks) {
      throw new IllegalArgumentException("electionTicks must exceed heartbeatTicks");
    }
    if (maxInflightMsgs <= 0) {
      throw new IllegalArgumentException("maxInflightMsgs must be positive");
    }
    if (maxSizePerMsg <= 0) {
      throw new IllegalArgumentException("maxSizePerMsg must be positive");
    }
    if (maxUncommittedBytes < 0) {
      throw new IllegalArgumentException("maxUncommittedBytes must not be negative");
    }
    if (random == null) {
      throw new IllegalArgumentException("random is required");
    }
    if (applied < 0) {
      throw new IllegalArgumentException("applied must not be negative");
    }
  }

  public RaftConfig(
      long id,
      int electionTicks,
      int heartbeatTicks,
      boolean preVote,
      boolean checkQuorum,
      int maxInflightMsgs,
      long maxSizePerMsg,
      long maxUncommittedBytes,
      RandomGenerator random) {
    this(
        id, electionTicks, heartbeatTicks, preVote, checkQuorum, maxInflightMsgs, maxSizePerMsg,
        maxUncommittedBytes, random, 0);
  }

  /** etcd's defaults: election 10 ticks, heartbeat 1, pre-vote and check-quorum on. */
  public static RaftConfig defaults(long id, RandomGenerator random) {
    return new RaftConfig(id, 10, 1, true, true, 256, 1 << 20, 0, random);
  }

  public RaftConfig withApplied(long newApplied) {
    return new RaftConfig(
        id, electionTicks, heartbeatTicks, preVote, checkQuorum, maxInflightMsgs, maxSizePerMsg,
        maxUncommittedBytes, random, newApplied);
  }

  public RaftConfig withPreVote(boolean v) {
    return new RaftConfig(
        id, electionTicks, heartbeatTicks, v, checkQuorum, maxInflightMsgs, maxSizePerMsg,
        maxUncommittedBytes, random, applied);
  }

  public RaftConfig withCheckQuorum(boolean v) {
    return new RaftConfig(
        id, electionTicks, heartbeatTicks, preVote, v, maxInflightMsgs, maxSizePerMsg,
        maxUncommittedBytes, random, applied);
  }
}
