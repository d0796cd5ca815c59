package io.cairn.server.errors;

import io.cairn.server.mvcc.MvccException;

/** A request refused with one of etcd's errors. Carries no stack trace: it is an answer. */
public final class EtcdException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final EtcdError error;

  public EtcdException(EtcdError error) {
    super(error.message(), null, false, false);
    this.error = error;
  }

  public EtcdError error() {
    return error;
  }

  /** Maps an MVCC refusal to etcd's error. */
  public static EtcdException of(MvccException e) {
    return new EtcdException(
        e.reason() == MvccException.Reason.COMPACTED ? EtcdError.COMPACTED : EtcdError.FUTURE_REV);
  }
}
