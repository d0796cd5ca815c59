package io.cairn.server.snapshot;

/** A snapshot operation that failed for a reason worth telling the user in one line. */
public final class SnapshotException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SnapshotException(String message) {
    super(message);
  }

  public SnapshotException(String message, Throwable cause) {
    super(message, cause);
  }
}
