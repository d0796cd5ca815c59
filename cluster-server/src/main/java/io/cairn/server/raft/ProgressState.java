package io.cairn.server.raft;

/** How the leader currently feeds a follower. */
public enum ProgressState {
  /** Unknown match: one append per heartbeat round until the follower's log position is found. */
  PROBE,
  /** Known match: stream appends optimistically, bounded by the inflight window. */
  REPLICATE,
  /** The follower needs a snapshot; appends pause until it reports back. */
  SNAPSHOT
}
