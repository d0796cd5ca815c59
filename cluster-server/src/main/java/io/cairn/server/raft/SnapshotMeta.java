package io.cairn.server.raft;

/** Where a snapshot sits in the log and the membership in force at that point. */
public record SnapshotMeta(long index, long term, ConfState confState) {
  public static final SnapshotMeta EMPTY = new SnapshotMeta(0, 0, ConfState.EMPTY);

  public SnapshotMeta {
    if (confState == null) {
      confState = ConfState.EMPTY;
    }
  }
}
