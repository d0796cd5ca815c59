package io.cairn.server.mvcc;

/** A request that the MVCC store refuses, with etcd's reason. */
public final class MvccException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why the store refused. The API layer maps each to etcd's gRPC status and text. */
  public enum Reason {
    COMPACTED,
    FUTURE_REVISION
  }

  private final Reason reason;

  public MvccException(Reason reason) {
    super(
        reason == Reason.COMPACTED
            ? "mvcc: required revision has been compacted"
            : "mvcc: required revision is a future revision",
        null,
        false,
        false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
