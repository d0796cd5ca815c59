package io.cairn.server.concurrency;

import com.google.protobuf.ByteString;
import io.cairn.server.apply.RequestChecks;
import io.cairn.server.server.EtcdServer;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.etcd.jetcd.api.lock.LockGrpc;
import io.etcd.jetcd.api.lock.LockRequest;
import io.etcd.jetcd.api.lock.LockResponse;
import io.etcd.jetcd.api.lock.UnlockRequest;
import io.etcd.jetcd.api.lock.UnlockResponse;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code v3lockpb.Lock}: etcd's mutex recipe run inside the member. A lock on {@code name} held
 * under lease {@code L} is the key {@code name/hex(L)} attached to {@code L}; its holder is the
 * contender whose key was created first. The lock goes with the lease: if the lease is gone
 * before or while the request waits, the request fails with {@code requested lease not found}.
 */
public final class LockService extends LockGrpc.LockImplBase {
  /** etcd's {@code concurrency.ErrSessionExpired}: the key vanished while its lease lives. */
  static final String SESSION_EXPIRED = "mutex: session is expired";

  private final Ops ops;
  private final RevisionPoller poller;

  public LockService(EtcdServer server, RevisionPoller poller) {
    this.ops = new Ops(server);
    this.poller = poller;
  }

  @Override
  public void lock(LockRequest request, StreamObserver<LockResponse> out) {
    if (!permitted(Keys.prefix(request.getName()), true, out)) {
      return;
    }
    PendingCall<LockResponse> call = new PendingCall<>(out);
    ByteString prefix = Keys.prefix(request.getName());
    ops.session(request.getLease())
        .thenCompose(lease -> acquire(call, prefix, lease))
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                call.fail(e);
              }
            });
  }

  private CompletableFuture<Void> acquire(
      PendingCall<LockResponse> call, ByteString prefix, long lease) {
    ByteString key = Keys.contender(prefix, lease);
    TxnRequest t =
        TxnRequest.newBuilder()
            .addCompare(Ops.createdAt(key, 0))
            .addSuccess(Ops.put(key, ByteString.EMPTY, lease))
            .addSuccess(Ops.getFirstCreated(prefix))
            .addFailure(Ops.get(key))
            .addFailure(Ops.getFirstCreated(prefix))
            .build();
    return ops.txn(t).thenAccept(resp -> afterTxn(call, prefix, key, lease, resp));
  }

  private void afterTxn(
      PendingCall<LockResponse> call, ByteString prefix, ByteString key, long lease,
      TxnResponse resp) {
    long myRev =
        resp.getSucceeded()
            ? resp.getHeader().getRevision()
            : resp.getResponses(0).getResponseRange().getKvs(0).getCreateRevision();
    // From here on a client that goes away takes its key with it (etcd's Unlock on failure).
    call.cleanupOnCancel(() -> ops.quietly(ops.delete(key), "removing an abandoned lock key"));
    if (call.isCancelled()) {
      return;
    }
    List<KeyValue> owner = resp.getResponses(1).getResponseRange().getKvsList();
    if (owner.isEmpty() || owner.get(0).getCreateRevision() == myRev) {
      call.reply(response(resp.getHeader(), key));
      return;
    }
    call.waitingOn(
        poller.register(
            new Turn(
                ops.server.store(),
                ops.server.lessor(),
                prefix,
                key,
                myRev,
                lease,
                Ops.plain(SESSION_EXPIRED),
                new Turn.Outcome() {
                  @Override
                  public void acquired(long revision) {
                    call.reply(
                        response(ResponseHeader.newBuilder().setRevision(revision).build(), key));
                  }

                  @Override
                  public void failed(Throwable error) {
                    call.fail(error);
                  }
                })));
  }

  private LockResponse response(ResponseHeader h, ByteString key) {
    return LockResponse.newBuilder().setHeader(ops.header(h)).setKey(key).build();
  }

  @Override
  public void unlock(UnlockRequest request, StreamObserver<UnlockResponse> out) {
    try {
      RequestChecks.checkDelete(DeleteRangeRequest.newBuilder().setKey(request.getKey()).build());
    } catch (RuntimeException e) {
      out.onError(Ops.toClient(e));
      return;
    }
    if (!permitted(request.getKey(), true, out)) {
      return;
    }
    ops.delete(request.getKey())
        .whenComplete(
            (r, e) -> {
              if (e != null) {
                out.onError(Ops.toClient(e));
              } else {
                out.onNext(UnlockResponse.newBuilder().setHeader(ops.header(r.getHeader())).build());
                out.onCompleted();
              }
            });
  }

  /** Auth: the caller needs {@code read} (and {@code write}) on the keys below {@code prefix}. */
  private boolean permitted(
      ByteString prefix, boolean write, io.grpc.stub.StreamObserver<?> out) {
    try {
      var a = ops.server.authorizer();
      if (write) {
        a.checkReadWrite(prefix, Keys.prefixEnd(prefix));
      } else {
        a.checkRange(prefix, Keys.prefixEnd(prefix));
      }
      return true;
    } catch (RuntimeException e) {
      out.onError(io.cairn.server.api.GrpcErrors.toStatus(e));
      return false;
    }
  }
}
