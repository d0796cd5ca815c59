package io.cairn.server.concurrency;

import com.google.protobuf.ByteString;
import io.cairn.server.errors.EtcdError;
import io.cairn.server.lease.Lessor;
import io.cairn.server.mvcc.KeyRange;
import io.cairn.server.mvcc.MvccStore;
import io.cairn.server.mvcc.RangeResult;
import io.etcd.jetcd.api.KeyValue;

/**
 * A contender waiting for its turn: done when no key under the prefix was created before its own
 * (etcd's {@code waitDeletes(prefix, myRev-1)}). Unlike etcd's client recipe, which notices a lost
 * key only after every older contender has gone, this notices at once: when the contender's key
 * is gone because its lease is gone the wait fails with {@code requested lease not found};
 * when the key was deleted some other way it fails with {@code lostKey}. Nothing is deleted on
 * failure: the key is already gone.
 */
final class Turn implements RevisionPoller.Check {
  interface Outcome {
    /** The contender's turn came; {@code revision} is the store's revision when it was seen. */
    void acquired(long revision);

    void failed(Throwable error);
  }

  private final MvccStore store;
  private final Lessor lessor;
  private final KeyRange prefix;
  private final ByteString key;
  private final long rev;
  private final long lease;
  private final Throwable lostKey;
  private final Outcome outcome;

  Turn(
      MvccStore store,
      Lessor lessor,
      ByteString prefix,
      ByteString key,
      long rev,
      long lease,
      Throwable lostKey,
      Outcome outcome) {
    this.store = store;
    this.lessor = lessor;
    this.prefix = Keys.prefixRange(prefix);
    this.key = key;
    this.rev = rev;
    this.lease = lease;
    this.lostKey = lostKey;
    this.outcome = outcome;
  }

  @Override
  public boolean run(long revision) {
    RangeResult rr;
    try {
      rr = store.range(prefix, 0, 0, false);
    } catch (RuntimeException e) {
      outcome.failed(e);
      return true;
    }
    boolean mine = false;
    boolean older = false;
    for (KeyValue kv : rr.kvs()) {
      if (kv.getKey().equals(key) && kv.getCreateRevision() == rev) {
        mine = true;
      } else if (kv.getCreateRevision() < rev) {
        older = true;
      }
    }
    if (!mine) {
      outcome.failed(
          lease != 0 && !lessor.exists(lease) ? EtcdError.LEASE_NOT_FOUND.exception() : lostKey);
      return true;
    }
    if (older) {
      return false;
    }
    outcome.acquired(rr.revision());
    return true;
  }
}
