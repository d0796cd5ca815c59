package io.cairn.server.raft;

/** The state a node must persist before sending messages that depend on it (Raft §5.1, fig. 2). */
public record HardState(long term, long vote, long commit) {
  public static final HardState EMPTY = new HardState(0, 0, 0);

  public boolean isEmpty() {
    return equals(EMPTY);
  }
}
