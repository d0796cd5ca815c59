package io.cairn.server.server;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.server.apply.Command;
import io.cairn.server.apply.KvApplier;
import io.cairn.server.apply.LeaseApplier;
import io.cairn.server.mvcc.MvccStore;
import io.cairn.server.mvcc.WriteBatch;
import io.cairn.server.errors.EtcdError;
import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.TxnRequest;
import java.util.concurrent.CompletableFuture;

/**
 * Applies one committed command to the member's stores and returns its response: a protobuf
 * message, or a {@link CompletableFuture} of one when the answer waits for background work (a
 * physical compaction). Deterministic: the same commands in the same order give the same state.
 */
final class StateMachine {
  private final MvccStore store;
  private final KvApplier kv;
  private final LeaseApplier leases;

  private final io.cairn.server.metrics.EtcdMetrics metrics;
  private final Quota quota;
  private final io.cairn.server.auth.AuthStore auth;
  private final io.cairn.server.cluster.MemberTable members;
  private final java.util.function.Consumer<io.etcd.jetcd.api.Member> peerUrlsChanged;

  StateMachine(
      MvccStore store, KvApplier kv, LeaseApplier leases, Quota quota,
      io.cairn.server.metrics.EtcdMetrics metrics, io.cairn.server.auth.AuthStore auth,
      io.cairn.server.cluster.MemberTable members,
      java.util.function.Consumer<io.etcd.jetcd.api.Member> peerUrlsChanged) {
    this.members = members;
    this.peerUrlsChanged = peerUrlsChanged;
    this.auth = auth;
    this.metrics = metrics;
    this.quota = quota;
    this.store = store;
    this.kv = kv;
    this.leases = leases;
  }

  /**
   * Applies {@code cmd}, the entry at log {@code index} (simple auth tokens carry the index, as
   * etcd's do, so every member names a token the same).
   */
  Object apply(WriteBatch batch, Command cmd, long index) throws InvalidProtocolBufferException {
    if (quota.refuses(batch, cmd)) {
      throw EtcdError.NO_SPACE.exception();
    }
    return switch (cmd.kind()) {
      case PUT -> {
        PutRequest p = PutRequest.parseFrom(cmd.payload());
        metrics.mvcc().mvccPut(p.getValue().size());
        yield kv.put(batch, p);
      }
      case DELETE_RANGE -> {
        metrics.mvcc().mvccDelete();
        yield kv.deleteRange(batch, DeleteRangeRequest.parseFrom(cmd.payload()));
      }
      case TXN -> {
        metrics.mvcc().mvccTxn();
        yield kv.txn(batch, TxnRequest.parseFrom(cmd.payload()));
      }
      case COMPACTION -> {
        CompactionRequest c = CompactionRequest.parseFrom(cmd.payload());
        KvApplier.Compaction result = kv.compaction(batch, c, batch.currentRevision());
        if (c.getPhysical()) {
          yield result.physical().thenApply(v -> (Object) result.response());
        }
        yield result.response();
      }
      case LEASE_GRANT -> {
        var r = leases.grant(batch, LeaseGrantRequest.parseFrom(cmd.payload()),
            batch.currentRevision());
        metrics.lease().leaseGranted(r.getTTL());
        yield r;
      }
      case LEASE_REVOKE -> {
        var r = leases.revoke(batch, LeaseRevokeRequest.parseFrom(cmd.payload()));
        metrics.lease().leaseRevoked();
        yield r;
      }
      case ALARM -> quota.alarm(batch, AlarmRequest.parseFrom(cmd.payload()));
      case NOOP -> null;
      case MEMBER_ATTRIBUTES -> {
        io.etcd.jetcd.api.Member a = io.etcd.jetcd.api.Member.parseFrom(cmd.payload());
        io.etcd.jetcd.api.Member m = members.get(a.getID());
        if (m != null) {
          members.put(batch.txn(), m.toBuilder().setName(a.getName()).clearClientURLs()
              .addAllClientURLs(a.getClientURLsList()).build());
        }
        yield null;
      }
      case MEMBER_UPDATE -> {
        io.etcd.jetcd.api.MemberUpdateRequest u =
            io.etcd.jetcd.api.MemberUpdateRequest.parseFrom(cmd.payload());
        io.etcd.jetcd.api.Member m = members.get(u.getID());
        if (m == null) {
          throw EtcdError.MEMBER_NOT_FOUND.exception();
        }
        io.etcd.jetcd.api.Member updated =
            m.toBuilder().clearPeerURLs().addAllPeerURLs(u.getPeerURLsList()).build();
        members.put(batch.txn(), updated);
        peerUrlsChanged.accept(updated);
        yield members.list();
      }
      case AUTH_ENABLE, AUTH_DISABLE, AUTHENTICATE, USER_ADD, USER_DELETE, USER_CHANGE_PASSWORD,
          USER_GRANT_ROLE, USER_REVOKE_ROLE, ROLE_ADD, ROLE_DELETE, ROLE_GRANT_PERMISSION,
          ROLE_REVOKE_PERMISSION -> auth.apply(batch.txn(), cmd.kind(), cmd.payload(), index);
    };
  }
}
