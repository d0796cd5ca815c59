package io.cairn.server.raft;

/** Why storage could not answer; the core reacts to each reason differently. */
public final class StorageException extends RuntimeException {
  public enum Reason {
    /** The requested index precedes the first retained entry: send a snapshot instead. */
    COMPACTED,
    /** The requested index is beyond the last entry. */
    UNAVAILABLE,
    /** A snapshot older than the one already held was offered. */
    SNAPSHOT_OUT_OF_DATE,
    /** The snapshot is being produced; the leader retries later. */
    SNAPSHOT_TEMPORARILY_UNAVAILABLE
  }

  private final Reason reason;

  public StorageException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
