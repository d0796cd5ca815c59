package io.cairn.server.apply;

import io.cairn.server.lease.Lease;
import io.cairn.server.lease.Lessor;
import io.cairn.server.mvcc.KeyRange;
import io.cairn.server.mvcc.WriteBatch;
import io.cairn.server.mvcc.WriteTxn;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrantResponse;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.LeaseRevokeResponse;
import io.etcd.jetcd.api.ResponseHeader;
import com.google.protobuf.ByteString;

/**
 * Applies lease grants and revocations. A revocation deletes every key attached to the lease in
 * one write, so watchers see all the deletions at one revision.
 */
public final class LeaseApplier {
  private final Lessor lessor;

  public LeaseApplier(Lessor lessor) {
    this.lessor = lessor;
  }

  /** {@code r.getID()} is already chosen (never 0): IDs are picked before entering the log. */
  public LeaseGrantResponse grant(WriteBatch batch, LeaseGrantRequest r, long currentRevision) {
    Lease l = lessor.grant(batch.txn(), r.getID(), r.getTTL());
    return LeaseGrantResponse.newBuilder()
        .setHeader(ResponseHeader.newBuilder().setRevision(currentRevision))
        .setID(l.id())
        .setTTL(l.ttlSeconds())
        .build();
  }

  public LeaseRevokeResponse revoke(WriteBatch batch, LeaseRevokeRequest r) {
    Lease l = lessor.revoke(batch.txn(), r.getID());
    WriteTxn w = batch.begin();
    for (ByteString key : l.keys()) {
      w.deleteRange(KeyRange.of(key, ByteString.EMPTY));
    }
    return LeaseRevokeResponse.newBuilder()
        .setHeader(ResponseHeader.newBuilder().setRevision(w.currentRevision()))
        .build();
  }
}
